import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HIJACK_FIRST_FRAME_GAP_MS, UpgradedConnection } from '../../src/dockerapi/connection.js';

/** A connected socket pair over loopback: the server side and what the client side receives, with arrival times. */
async function socketPair(): Promise<{ server: Socket; client: Socket; arrivals: { at: number; data: string }[]; ended: Promise<void>; close(): void }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect(port, '127.0.0.1');
  const server = await accepted;
  const arrivals: { at: number; data: string }[] = [];
  client.on('data', (chunk: Buffer) => arrivals.push({ at: performance.now(), data: chunk.toString() }));
  const ended = new Promise<void>((resolve) => client.once('end', resolve));
  return { server, client, arrivals, ended, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

describe('UpgradedConnection', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('ends at once when nothing was written, and without a gap writes straight after the head', async () => {
    const pair = await socketPair();
    close = pair.close;
    const quiet = new UpgradedConnection(pair.server, Buffer.alloc(0), Buffer.alloc(0), {});
    quiet.begin('application/vnd.docker.raw-stream', HIJACK_FIRST_FRAME_GAP_MS);
    quiet.end();
    // Not held for the gap: the end went to the socket in the same turn.
    expect(pair.server.writableEnded).toBe(true);
    await pair.ended;
    const other = await socketPair();
    const attach = new UpgradedConnection(other.server, Buffer.alloc(0), Buffer.alloc(0), {});
    attach.begin('application/vnd.docker.raw-stream');
    attach.write(Buffer.from('now'));
    attach.end();
    await other.ended;
    expect(other.arrivals.map((a) => a.data).join('')).toMatch(/\r\n\r\nnow$/);
    other.close();
  });

  it('sends the 101 head alone and output written at once only after the gap, then ends', async () => {
    const pair = await socketPair();
    close = pair.close;
    const conn = new UpgradedConnection(pair.server, Buffer.alloc(0), Buffer.alloc(0), {});
    const begun = performance.now();
    conn.begin('application/vnd.docker.multiplexed-stream', HIJACK_FIRST_FRAME_GAP_MS);
    conn.write(Buffer.from('first'));
    conn.write(Buffer.from('second'));
    conn.end();
    await pair.ended;
    const text = pair.arrivals.map((a) => a.data).join('');
    expect(text).toMatch(/^HTTP\/1\.1 101 UPGRADED\r\n[\s\S]*\r\n\r\nfirstsecond$/);
    expect(pair.arrivals[0]!.data.endsWith('\r\n\r\n')).toBe(true);
    const firstFrame = pair.arrivals.find((a) => a.data.includes('first'))!;
    // Timers may fire a millisecond early; the frame must not ride with the head.
    expect(firstFrame.at - begun).toBeGreaterThanOrEqual(HIJACK_FIRST_FRAME_GAP_MS - 2);
  });

  it('writes output straight through once the gap has passed', async () => {
    const pair = await socketPair();
    close = pair.close;
    const conn = new UpgradedConnection(pair.server, Buffer.alloc(0), Buffer.alloc(0), {});
    conn.begin('application/vnd.docker.raw-stream', HIJACK_FIRST_FRAME_GAP_MS);
    await new Promise((resolve) => setTimeout(resolve, HIJACK_FIRST_FRAME_GAP_MS + 10));
    const before = pair.arrivals.length;
    conn.write(Buffer.from('late'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pair.arrivals.slice(before).map((a) => a.data).join('')).toBe('late');
  });
});
