#!/usr/bin/env node
// After `tsc`: make the CLI entry point executable, so a clone's `dist/cli/main.js` runs directly
// (npm sets the bit itself when it installs the package; `npm link` and a plain checkout do not).
import { chmodSync } from "node:fs";

chmodSync(new URL("../dist/cli/main.js", import.meta.url), 0o755);
