import { loadWorkflow } from "./src/workflow/loader.js";
import { SAMPLE_ISSUE } from "./src/workflow/prompt-context.js";
const r = loadWorkflow(process.argv[2]!);
console.log(JSON.stringify(r.ok ? r.value.config : r.error, null, 1).slice(0, 3000));
if (r.ok) console.log(r.value.render(SAMPLE_ISSUE, null));
