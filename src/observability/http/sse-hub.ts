import { type Logger, silentLogger } from "../../domain/logger.js";
import type { ObserverEvent, StatusSource } from "../../domain/snapshot.js";
import { type Clock, systemClock, type TimerHandle } from "../../util/clock.js";
import { agentEventJson } from "./api-shapes.js";
import type { StateCache } from "./state-cache.js";

/** Options for {@link SseHub}. */
export interface SseHubOptions {
  readonly source: StatusSource;
  /** Where state messages come from (shared with `GET /api/v1/state`). */
  readonly state: StateCache;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Changes are batched and pushed at most once per this interval. Default 100 ms. */
  readonly flushMs?: number;
  /** A comment line keeps idle connections (and proxies) alive. Default 15,000 ms. */
  readonly heartbeatMs?: number;
  /** A client with more than this many bytes queued is dropped (it reconnects and gets a fresh state). */
  readonly maxQueuedBytes?: number;
  /** Agent events kept per flush; older ones in a burst are dropped (the state message still arrives). */
  readonly maxEventsPerFlush?: number;
  /** Most concurrent clients; a further one gets 503 with `Retry-After`. Default 64. */
  readonly maxClients?: number;
}

interface Client {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

const encoder = new TextEncoder();
const STATE_PREFIX = encoder.encode("retry: 1000\n\nevent: state\ndata: ");
const MESSAGE_END = encoder.encode("\n\n");
const STATE_EVENT = encoder.encode("event: state\ndata: ");

/**
 * Server-Sent Events fan-out for `GET /api/v1/events`. It subscribes once to the status source,
 * coalesces `snapshot_changed` bursts into one `state` message per flush (serialised once for all
 * clients), and forwards agent events as `agent_event` messages. New clients get the current state
 * immediately. A listener never awaits a client, so a slow browser cannot slow the orchestrator.
 */
export class SseHub {
  readonly #source: StatusSource;
  readonly #state: StateCache;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #flushMs: number;
  readonly #heartbeatMs: number;
  readonly #maxQueuedBytes: number;
  readonly #maxEvents: number;
  readonly #maxClients: number;
  readonly #clients = new Set<Client>();
  readonly #unsubscribe: () => void;
  #events: string[] = [];
  #droppedEvents = 0;
  #stateDirty = false;
  #flushTimer: TimerHandle | null = null;
  #heartbeat: TimerHandle | null = null;
  #closed = false;

  constructor(options: SseHubOptions) {
    this.#source = options.source;
    this.#state = options.state;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#flushMs = options.flushMs ?? 100;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
    this.#maxEvents = options.maxEventsPerFlush ?? 200;
    this.#maxClients = options.maxClients ?? 64;
    this.#unsubscribe = this.#source.subscribe((event) => this.#onEvent(event));
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** A streaming `text/event-stream` response for one new client. */
  connect(): Response {
    if (this.#closed) return new Response("closed", { status: 503 });
    if (this.#clients.size >= this.#maxClients) {
      this.#logger.warn("sse client refused", { reason: "too_many_clients", max: this.#maxClients });
      return Response.json(
        { error: { code: "too_many_clients", message: `At most ${this.#maxClients} live dashboards` } },
        { status: 503, headers: { "retry-after": "10" } },
      );
    }
    let client: Client | null = null;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { controller };
          this.#clients.add(client);
          // the state bytes are the shared cached body: no per-client copy of a large state
          controller.enqueue(STATE_PREFIX);
          controller.enqueue(this.#state.bodyBytes());
          controller.enqueue(MESSAGE_END);
          this.#ensureHeartbeat();
        },
        cancel: () => {
          if (client !== null) this.#clients.delete(client);
        },
      },
      { highWaterMark: this.#maxQueuedBytes, size: (chunk) => chunk.byteLength },
    );
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  }

  /** Ends every client stream, unsubscribes from the source and cancels timers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    if (this.#flushTimer !== null) this.#clock.clearTimer(this.#flushTimer);
    if (this.#heartbeat !== null) this.#clock.clearTimer(this.#heartbeat);
    this.#flushTimer = null;
    this.#heartbeat = null;
    for (const client of this.#clients) {
      try {
        client.controller.close();
      } catch {
        // already closed or errored by the client going away
      }
    }
    this.#clients.clear();
  }

  #onEvent(event: ObserverEvent): void {
    if (this.#clients.size === 0) return;
    switch (event.type) {
      case "snapshot_changed":
        this.#stateDirty = true;
        break;
      case "agent_event": {
        const json = JSON.stringify(agentEventJson(event.issueId, event.identifier, event.event));
        this.#events.push(`event: agent_event\ndata: ${json}\n\n`);
        if (this.#events.length > this.#maxEvents) {
          this.#events.shift();
          this.#droppedEvents += 1;
        }
        break;
      }
      case "run_started":
      case "hook_finished":
      case "run_ended":
        // they reach the page through the state they change
        return;
      default: {
        const _exhaustive: never = event;
        void _exhaustive;
        return;
      }
    }
    if (this.#flushTimer === null) {
      this.#flushTimer = this.#clock.setTimer(this.#flushMs, () => {
        this.#flushTimer = null;
        this.#flush();
      });
    }
  }

  #flush(): void {
    if (this.#closed) return;
    const text = this.#events.join("");
    this.#events = [];
    if (this.#droppedEvents > 0) {
      this.#logger.debug("sse agent events dropped", { dropped: this.#droppedEvents });
      this.#droppedEvents = 0;
    }
    const chunks: Uint8Array[] = [];
    if (text !== "") chunks.push(encoder.encode(text));
    if (this.#stateDirty) {
      this.#stateDirty = false;
      // one encoded body per change, the same bytes for every client
      chunks.push(STATE_EVENT, this.#state.bodyBytes(), MESSAGE_END);
    }
    if (chunks.length > 0) this.#broadcast(...chunks);
  }

  #broadcast(...chunks: Uint8Array[]): void {
    for (const client of this.#clients) {
      const desired = client.controller.desiredSize;
      if (desired !== null && desired < 0) {
        // hopelessly behind: drop it; EventSource reconnects and starts from a fresh state
        this.#clients.delete(client);
        this.#logger.warn("sse client dropped", { reason: "slow_consumer" });
        try {
          client.controller.error(new Error("slow consumer"));
        } catch {
          // already gone
        }
        continue;
      }
      try {
        for (const chunk of chunks) client.controller.enqueue(chunk);
      } catch {
        this.#clients.delete(client);
      }
    }
  }

  #ensureHeartbeat(): void {
    if (this.#heartbeat !== null || this.#closed) return;
    this.#heartbeat = this.#clock.setTimer(this.#heartbeatMs, () => {
      this.#heartbeat = null;
      if (this.#clients.size === 0) return;
      this.#broadcast(encoder.encode(": ping\n\n"));
      this.#ensureHeartbeat();
    });
  }
}
