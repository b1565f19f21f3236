import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkDockerEngines } from "../../../src/hosts/docker/doctor.js";
import type { DockerConfig } from "../../../src/hosts/docker/settings.js";
import {
  buildTestImage,
  DOCKER_TOOLS,
  startDockerd,
  TEST_IMAGE,
  type TestDockerd,
} from "../../support/dockerd.js";
import { describeNeeding } from "../../support/tools.js";

const { describe: describeDocker } = describeNeeding(DOCKER_TOOLS);

let daemon: TestDockerd;

function config(image: string, addresses: readonly string[]): DockerConfig {
  return {
    serviceId: null,
    engines: addresses.map((address, i) => ({
      name: `e${i + 1}`,
      address,
      maxConcurrentAgents: null,
      tlsDir: null,
    })),
    container: {
      image,
      network: "none",
      cpus: null,
      memoryMb: null,
      pidsLimit: null,
      user: "1000:1000",
      readOnlyRoot: true,
      readOnlyMounts: [],
      tmpSizeMb: 16,
    },
  };
}

describeDocker("doctor: Docker engines (real dockerd)", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    daemon = await startDockerd();
    await buildTestImage(daemon);
  }, 60_000);
  afterAll(() => daemon?.close());

  it("ok with the image present; fail for a missing image and for an engine that is not there", async () => {
    const dead = `unix://${join(daemon.dir, "nothing.sock")}`;
    const ok = await checkDockerEngines(config(TEST_IMAGE, [daemon.address, dead]), 5_000);
    expect(ok[0]).toMatchObject({ name: "docker e1", status: "ok" });
    expect(ok[0]?.detail).toContain(`image ${TEST_IMAGE} present`);
    expect(ok[1]).toMatchObject({ name: "docker e2", status: "fail" });
    expect(ok[1]?.detail).toMatch(/^unreachable: /);
    const missing = await checkDockerEngines(config("no-such-image:1", [daemon.address]), 5_000);
    expect(missing[0]).toMatchObject({
      status: "fail",
      detail: "image no-such-image:1 is not on this engine",
    });
  });
});
