export { commandBackend, createCommandBackend, INPUT_REQUIRED_MARKER } from "./backend.js";
