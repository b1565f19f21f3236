/** One parsed Server-Sent Events message. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/** A minimal SSE client over fetch for tests: collects messages, lets a test wait for one. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly #controller = new AbortController();
  #ended = false;
  #done: Promise<void>;

  private constructor(response: Response) {
    this.#done = this.#read(response);
  }

  /** Opens `url` and starts reading; rejects unless the response is a 200 event stream. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    if (
      response.status !== 200 ||
      !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")
    ) {
      controller.abort();
      throw new Error(`not an event stream: ${response.status}`);
    }
    const client = new SseClient(response);
    client.#controller.signal.addEventListener("abort", () => controller.abort());
    return client;
  }

  /** True once the server ended the stream. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Messages of one event type. */
  of(event: string): SseMessage[] {
    return this.messages.filter((m) => m.event === event);
  }

  /** Closes the connection from the client side. */
  async close(): Promise<void> {
    this.#controller.abort();
    await this.#done.catch(() => {});
  }

  async #read(response: Response): Promise<void> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length > 0) this.messages.push({ event, data: data.join("\n") });
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.#ended = true;
    }
  }
}
