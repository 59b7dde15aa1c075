/**
 * The admin API of `vicsim serve` (VIC's port 2378): JSON over HTTP on 127.0.0.1 only, one table
 * from (method, path) to handler over a {@link VchSet}. Errors answer `{"message": "…"}` with the
 * status of errors.ts (400 bad flags, 404 no such VCH, 409 name in use).
 *
 *   GET    /ping                 → 200 {"vicsim":"serve"}
 *   GET    /vchs                 → 200 VchDescription[]
 *   POST   /vchs                 VchCreateRequest → 201 VchDescription
 *   GET    /vchs/{name}          → 200 VchDescription
 *   PATCH  /vchs/{name}          VchConfigureRequest → 200 VchDescription
 *   DELETE /vchs/{name}[?force=true] → 200 VchDeleteResponse
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { VchSet } from '../vch-set.js';
import { decodeConfigure, decodeCreate } from './decode.js';
import { NoSuchRouteError, statusOf } from './errors.js';

/** Largest request body (bytes): a VCH spec is well under 1 KB (estimate). */
export const ADMIN_MAX_BODY_BYTES = 64 * 1024;

/** A handler: path parameters, query and decoded JSON body in; status and JSON out. */
type Handler = (vchs: VchSet, req: { readonly name: string; readonly query: URLSearchParams; readonly body: unknown }) => Promise<readonly [number, unknown]>;

const NAME = /^\/vchs\/([^/]+)$/;

/** The route table: method, path pattern, handler. */
const ROUTES: readonly (readonly [string, RegExp, Handler])[] = [
  ['GET', /^\/ping$/, async () => [200, { vicsim: 'serve' }]],
  ['GET', /^\/vchs$/, async (v) => [200, await v.list()]],
  [
    'POST',
    /^\/vchs$/,
    async (v, r) => {
      const req = decodeCreate(r.body);
      return [201, await v.create(req.spec, req.dockerPort === undefined ? {} : { dockerPort: req.dockerPort })];
    },
  ],
  ['GET', NAME, async (v, r) => [200, await v.describe(r.name)]],
  ['PATCH', NAME, async (v, r) => [200, await v.configure(r.name, decodeConfigure(r.body).changes)]],
  ['DELETE', NAME, async (v, r) => [200, await v.delete(r.name, forceOf(r.query))]],
];

function forceOf(query: URLSearchParams): boolean {
  const f = query.get('force');
  if (f === null || f === '' || f === 'false' || f === '0') return false;
  if (f === 'true' || f === '1') return true;
  throw new InvalidArgumentError('force', `force must be true or false, got '${f}'`);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ADMIN_MAX_BODY_BYTES) throw new InvalidArgumentError('body', `request body exceeds ${ADMIN_MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidArgumentError('body', `request body is not JSON: ${(e as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers one request through the route table. Never throws. */
async function handle(vchs: VchSet, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const route = ROUTES.find(([m, pattern]) => m === method && pattern.test(url.pathname));
    if (!route) throw new NoSuchRouteError(method, url.pathname);
    const name = decodeURIComponent(NAME.exec(url.pathname)?.[1] ?? '');
    const [status, value] = await route[2](vchs, { name, query: url.searchParams, body: await readBody(req) });
    send(res, status, value);
  } catch (e) {
    const status = statusOf(e);
    send(res, status, { message: e instanceof Error ? e.message : String(e) });
  }
}

/** A listening admin API. */
export interface AdminServer {
  /** The bound port. */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the admin API over `vchs` on 127.0.0.1:`port` (0 = any free port); resolves once it listens. */
export async function startAdminServer(vchs: VchSet, port: number): Promise<AdminServer> {
  const server: Server = createServer((req, res) => void handle(vchs, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
