/**
 * What a simulated guest service answers on a published port: an HTTP-profile service serves a small
 * page naming the container, its VM, its host, its IP and the path the request took (what
 * `curl 127.0.0.1:8080` shows for a simulated nginx); a tcp-profile service echoes the bytes it
 * receives. Both are {@link ConnectionHandler}s for {@link PortMapper.publish}.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionHandler } from './port-mapper.js';

/** The `Server` header the simulated guest's HTTP service sends. */
export const GUEST_SERVER_HEADER = 'vicsim-guest';

/**
 * A connection handler answering HTTP/1.1 (keep-alive included) with a page describing the
 * container. `describe` (sync or async) is called per request, so the page follows the container (a vMotion changes
 * its host): it returns label → value pairs, e.g. {container, vm, host, ip, path}. GET and HEAD get
 * 200 with the page (any path); other methods 405. The parser is node's, fed the accepted socket
 * directly (`emit('connection')`), so no second listening socket exists.
 */
export function httpServiceHandler(describe: () => Record<string, string> | Promise<Record<string, string>>): ConnectionHandler {
  const server = createServer((req, res) => {
    answer(req, res, describe).catch(() => res.destroy());
  });
  return (socket) => {
    server.emit('connection', socket);
  };
}

/** A connection handler for tcp-profile services: writes back every byte it receives until the peer ends. */
export const tcpEchoHandler: ConnectionHandler = (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
};

async function answer(req: IncomingMessage, res: ServerResponse, describe: () => Record<string, string> | Promise<Record<string, string>>): Promise<void> {
  res.setHeader('Server', GUEST_SERVER_HEADER);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('405 Method Not Allowed\n');
    return;
  }
  const body = Buffer.from(page(await describe(), `${req.method} ${req.url ?? '/'}`), 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The page: a title naming the container, then every description entry and the request line. */
export function page(description: Readonly<Record<string, string>>, requestLine: string): string {
  const title = `Welcome to ${description.container ?? 'a vicsim container'}`;
  const rows = Object.entries(description).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  rows.push(`<tr><th>request</th><td>${escapeHtml(requestLine)}</td></tr>`);
  return [
    '<!DOCTYPE html>',
    `<html><head><title>${escapeHtml(title)}</title></head>`,
    `<body><h1>${escapeHtml(title)}</h1>`,
    '<p>Served by a simulated container VM on a vicsim Virtual Container Host.</p>',
    `<table>${rows.join('')}</table>`,
    '</body></html>',
    '',
  ].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
