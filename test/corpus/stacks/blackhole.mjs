/**
 * A blackholed third-party host: it accepts TCP connections on 127.0.0.2 and never answers,
 * as a tracker or tag host does when it is overloaded or firewalled (the connection is
 * accepted, no byte comes back). A page that embeds it never fires `load`.
 * 127.0.0.2 is loopback on Linux, and another host than the targets' 127.0.0.1: third-party.
 */
import { createServer } from 'node:net';

export async function startBlackhole() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.2', resolve);
  });
  const { port } = server.address();
  return {
    name: 'blackhole',
    pid: process.pid,
    port,
    origin: `http://127.0.0.2:${port}`,
    log: () => `${sockets.size} connections held`,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
