export type { OrchestratorDeps } from "./deps.js";
export {
  candidateRefusal,
  compareForDispatch,
  isActive,
  isRoutable,
  isTerminal,
  SlotCounter,
  type StateSets,
  sortForDispatch,
  stateSets,
} from "./eligibility.js";
export { humanise } from "./events.js";
export { Orchestrator } from "./orchestrator.js";
export { type DispatchPlan, planDispatch } from "./plan.js";
export { CONTINUATION_DELAY_MS, FAILURE_BASE_MS, failureDelayMs } from "./retry.js";
export type { WorkerExit, WorkerLauncher, WorkerRequest } from "./worker.js";
