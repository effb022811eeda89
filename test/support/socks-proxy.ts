import net, { type AddressInfo, type Socket } from 'node:net';

export interface TestSocksProxy {
  /** `127.0.0.1:<port>`, as a Chromium proxy list names it. */
  address: string;
  /** The `host:port` of every connection it was asked for, in order, and the version asked in. */
  connects: { version: 4 | 5; destination: string }[];
  close(): Promise<void>;
}

/**
 * A SOCKS proxy on loopback that speaks versions 4, 4a and 5 (RFC 1928), connecting what it is
 * asked to; with `signIn`, version 5 lets through only that user name and password (RFC 1929);
 * with `refuse`, it refuses every destination as a blocking proxy does.
 */
export async function startTestSocksProxy(
  options: { signIn?: { username: string; password: string }; refuse?: boolean } = {},
): Promise<TestSocksProxy> {
  const connects: TestSocksProxy['connects'] = [];
  const sockets = new Set<Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const input = bufferedReader(client);
    serve(client, input, options, connects).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  client: Socket,
  input: ReturnType<typeof bufferedReader>,
  options: { signIn?: { username: string; password: string }; refuse?: boolean },
  connects: TestSocksProxy['connects'],
): Promise<void> {
  const [version] = await input.read(1);
  if (version === 4) {
    const request = await input.read(7);
    const port = request.readUInt16BE(1);
    const ip = [...request.subarray(3, 7)];
    await input.readUntilZero(); // the user id
    // 4a: an address 0.0.0.x (x > 0) says a host name follows, for the proxy to resolve.
    const host =
      ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0
        ? (await input.readUntilZero()).toString('utf8')
        : ip.join('.');
    connects.push({ version: 4, destination: `${host}:${port}` });
    const reply = (granted: boolean) => Buffer.from([0, granted ? 0x5a : 0x5b, 0, 0, 0, 0, 0, 0]);
    return pipeOnConnect(client, input, host, port, options.refuse === true, reply);
  }
  if (version !== 5) return void client.destroy();

  const [methodCount = 0] = await input.read(1);
  const methods = [...(await input.read(methodCount))];
  const wanted = options.signIn === undefined ? 0x00 : 0x02;
  if (!methods.includes(wanted)) return void client.end(Buffer.from([5, 0xff]));
  client.write(Buffer.from([5, wanted]));
  if (options.signIn !== undefined) {
    await input.read(1); // the sub-negotiation's version
    const username = (await input.read((await input.read(1))[0] ?? 0)).toString('utf8');
    const password = (await input.read((await input.read(1))[0] ?? 0)).toString('utf8');
    const accepted = username === options.signIn.username && password === options.signIn.password;
    if (!accepted) return void client.end(Buffer.from([1, 1]));
    client.write(Buffer.from([1, 0]));
  }
  const [, , , addressType] = await input.read(4);
  let host: string;
  if (addressType === 1) host = [...(await input.read(4))].join('.');
  else if (addressType === 3)
    host = (await input.read((await input.read(1))[0] ?? 0)).toString('utf8');
  else host = ipv6Text(await input.read(16));
  const port = (await input.read(2)).readUInt16BE(0);
  connects.push({ version: 5, destination: `${host}:${port}` });
  // 0x02: "connection not allowed by ruleset"; 0x05: "connection refused".
  const reply = (granted: boolean, code = 0x02) =>
    Buffer.from([5, granted ? 0 : code, 0, 1, 0, 0, 0, 0, 0, 0]);
  return pipeOnConnect(client, input, host, port, options.refuse === true, reply);
}

function pipeOnConnect(
  client: Socket,
  input: ReturnType<typeof bufferedReader>,
  host: string,
  port: number,
  refuse: boolean,
  reply: (granted: boolean) => Buffer,
): void {
  if (refuse) return void client.end(reply(false));
  const upstream = net.connect({ host, port });
  upstream.on('error', () => {
    client.end(reply(false));
    upstream.destroy();
  });
  upstream.once('connect', () => {
    client.write(reply(true));
    const early = input.release();
    if (early.length > 0) upstream.write(early);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
}

/** Reads a socket's bytes as asked for, until released to be piped on. */
function bufferedReader(socket: Socket) {
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  };
  socket.on('data', onData);
  const more = () =>
    new Promise<void>((resolve, reject) => {
      wake = resolve;
      socket.once('close', () => reject(new Error('closed')));
    });
  return {
    async read(count: number): Promise<Buffer> {
      while (buffered.length < count) await more();
      const bytes = buffered.subarray(0, count);
      buffered = buffered.subarray(count);
      return bytes;
    },
    async readUntilZero(): Promise<Buffer> {
      while (!buffered.includes(0)) await more();
      const end = buffered.indexOf(0);
      const bytes = buffered.subarray(0, end);
      buffered = buffered.subarray(end + 1);
      return bytes;
    },
    /** Stops reading; what arrived beyond the handshake is handed back. */
    release(): Buffer {
      socket.off('data', onData);
      socket.pause();
      return buffered;
    },
  };
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}
