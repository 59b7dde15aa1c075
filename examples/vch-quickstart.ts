/**
 * A VCH embedded in a program: the model, a VCH over it, and docker's engine calls made directly
 * (the Docker API server would make the same calls). Prints what the container wrote.
 * Run: npx tsx examples/vch-quickstart.ts
 */
import { clusterPreset, createVch, ModelBackend, RealtimeDriver, Rng } from 'vicsim';

const { model } = clusterPreset({ hosts: 2, seed: 1 });
const wall = { now: () => performance.now(), setTimer: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimer: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
const driver = new RealtimeDriver(model.clock, { scale: 0, wall });
driver.start();
const vch = await createVch({ backend: new ModelBackend(model, driver), clock: model.clock, rng: Rng.seeded(1), endpointAddress: '127.0.0.1' }, { name: 'demo' });

await vch.pullImage('busybox', 'latest', { onProgress: () => {} });
const { Id } = await vch.createContainer('hello', { Image: 'busybox', Cmd: ['sh', '-c', 'echo hello from $(hostname)'] });
const exit = await vch.waitContainer(Id, 'next-exit');
await vch.startContainer(Id);
console.log('exit code', (await exit()).StatusCode);
const logs = await vch.containerLogs(Id, { stdout: true, stderr: true, follow: false });
for await (const r of logs.records) process.stdout.write(Buffer.from(r.data));
const vm = (await vch.inspectContainer(Id)).GraphDriver.Data;
console.log(`VM ${vm['vmName']} (${vm['vm']})`);
await vch.close();
driver.stop();
