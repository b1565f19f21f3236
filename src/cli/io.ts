/** What a command may print to; tests pass collectors, `main.ts` passes the process streams. */
export interface TextOut {
  write(text: string): unknown;
}

/** The process surroundings a CLI command runs in (injected so commands run in-process in tests). */
export interface CliIo {
  readonly stdout: TextOut;
  /** Also the console log sink of `symphony run`. */
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}
