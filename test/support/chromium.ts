import { type BrowserContext, chromium } from "playwright-core";
import { makeTempDir } from "./temp-dir.js";
import { CHROMIUM } from "./tools.js";

/** Debian's chromium (`apt-get install -y chromium`); playwright's own download cannot work here. */
export const CHROMIUM_PATH = CHROMIUM.path;

/** A headless Chromium with a temporary user-data-dir; `close()` ends the browser and removes the dir. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = await makeTempDir("symphony-chromium-");
  try {
    const context = await chromium.launchPersistentContext(dir.path, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    return {
      context,
      close: async () => {
        await context.close();
        await dir.cleanup();
      },
    };
  } catch (error) {
    await dir.cleanup();
    throw error;
  }
}
