import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, NewEvent, StoredEvent } from '../../src/relay/event-log';
import { writeFully } from '../../src/relay/durable-files';
import { createSegmentFileDurably, openFileEventLog } from '../../src/relay/file-event-log';
import { logIdFileName } from '../../src/relay/log-id';
import { relayLogIdPattern } from '../../src/shared/relay-protocol';
import { bytesOnDisk, damageMiddleOf, range, segmentFiles } from '../support/event-log-files';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';

const event = (n: number, receivedAt = new Date().toISOString()): NewEvent => ({
  body: JSON.stringify({ event: 'account.created', account_id: String(n) }),
  signature: `sig-${n}`,
  receivedAt,
  event: 'account.created',
  originOwnerId: n % 2 === 0 ? 'even' : 'odd',
});

let temp: ReturnType<typeof makeTempDir>;
afterEach(() => temp.remove());

/**
 * A log in the test's directory whose next write, once `failNextWrite` is called, fails as a full
 * disk does; with `torn`, after half of the batch has reached the file.
 */
function logOnFailingDisk(options: { torn: boolean }) {
  let failNext = false;
  const log = openFileEventLog({
    dataDir: temp.path,
    writeAt(fd, bytes, position) {
      if (!failNext) return writeFully(fd, bytes, position);
      failNext = false;
      if (options.torn) writeFully(fd, bytes.subarray(0, bytes.length >> 1), position);
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    },
  });
  return {
    log,
    failNextWrite: () => {
      failNext = true;
    },
  };
}

describe('file event log', () => {
  it('assigns increasing seqs, reads after a cursor, and keeps everything across a reopen', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => log.append(event(n))));
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log.readAfter(2, 2).map((e) => e.seq)).toEqual([3, 4]);
    await log.close();

    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.headSeq()).toBe(5);
    expect(reopened.readAfter(0, 10).map((e) => e.body)).toEqual(
      [1, 2, 3, 4, 5].map((n) => event(n).body),
    );
    expect((await reopened.append(event(6))).seq).toBe(6);
    await reopened.close();
  });

  it('creates its data directory with any missing parents', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: join(temp.path, 'relay', 'data') });
    expect((await log.append(event(1))).seq).toBe(1);
    await log.close();
    expect(segmentFiles(join(temp.path, 'relay', 'data'))).toHaveLength(1);
  });

  it('stores an identical body once, even when both arrive in the same commit', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    const [first, second] = await Promise.all([log.append(event(1)), log.append(event(1))]);
    expect(first).toEqual({ seq: 1, duplicate: false });
    expect(second).toEqual({ seq: 1, duplicate: true });
    expect(await log.append(event(1))).toEqual({ seq: 1, duplicate: true });
    expect(log.headSeq()).toBe(1);
    await log.close();
  });

  it('tells commit listeners the events each commit stored, once they are durable', async () => {
    temp = makeTempDir('event-log');
    const { log, failNextWrite } = logOnFailingDisk({ torn: false });
    const commits: number[][] = [];
    const headSeqsSeen: number[] = [];
    const stopListening = log.onCommit((events) => {
      commits.push(events.map((e) => e.seq));
      headSeqsSeen.push(log.headSeq());
    });
    // One commit: three new events and a duplicate of one of them.
    await Promise.all([1, 2, 1, 3].map((n) => log.append(event(n))));
    // A commit of only a duplicate stores nothing and tells nothing; nor does a failed one.
    await log.append(event(2));
    failNextWrite();
    await expect(log.append(event(4))).rejects.toThrow('no space left on device');
    await log.append(event(4));
    stopListening();
    await log.append(event(5));

    expect(commits).toEqual([[1, 2, 3], [4]]);
    expect(headSeqsSeen).toEqual([3, 4]);
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    await log.close();
  });

  it('cuts off a torn tail left by a crash and carries on from the last whole record', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    for (const n of [1, 2, 3]) await log.append(event(n));
    await log.close();
    const file = join(temp.path, 'events-0000000000000001.log');
    const whole = statSync(file).size;
    const record = readFileSync(file).subarray(0, 40);
    appendFileSync(file, record); // a header and part of a payload: a write torn by kill -9

    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.headSeq()).toBe(3);
    expect(statSync(file).size).toBe(whole);
    // The torn bytes are kept beside the segment, not destroyed.
    const keptAs = `${file}.from-byte-${whole}`;
    expect(reopened.setAside).toEqual([{ segment: file, fromByte: whole, bytes: 40, keptAs }]);
    expect(readFileSync(keptAs)).toEqual(record);
    expect((await reopened.append(event(4))).seq).toBe(4);
    await reopened.close();
    const again = openFileEventLog({ dataDir: temp.path });
    expect(again.headSeq()).toBe(4);
    expect(again.setAside).toEqual([]);
    await again.close();
  });

  it('stops at a corrupt record instead of trusting it', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    for (const n of [1, 2]) await log.append(event(n));
    await log.close();
    const file = join(temp.path, 'events-0000000000000001.log');
    const bytes = readFileSync(file);
    const flipAt = bytes.length - 3; // a byte inside the second record's payload
    bytes.writeUInt8((bytes.readUInt8(flipAt) ^ 0xff) & 0xff, flipAt);
    writeFileSync(file, bytes);
    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.headSeq()).toBe(1);
    const [setAside] = reopened.setAside;
    expect(readFileSync(setAside?.keptAs ?? '')).toEqual(bytes.subarray(setAside?.fromByte));
    expect(setAside?.fromByte).toBe(statSync(file).size);
    await reopened.close();
  });

  it('keeps an older segment damaged in the middle as it is, and the events of the segments after it', async () => {
    temp = makeTempDir('event-log');
    const small = { dataDir: temp.path, segmentBytes: 1024 };
    const log = openFileEventLog(small);
    for (let n = 1; n <= 40; n++) await log.append(event(n));
    await log.close();
    const [first, second] = segmentFiles(temp.path);
    const firstPath = join(temp.path, first ?? '');
    const bytes = damageMiddleOf(firstPath);

    const reopened = openFileEventLog(small);
    expect(statSync(firstPath).size).toBe(bytes.length);
    const replayed = readAll(reopened, 0).map((e) => e.seq);
    const firstOfSecond = Number(/(\d{16})/.exec(second ?? '')?.[1]);
    // The damaged record and those after it in its segment are not replayed; every later one is.
    expect(replayed).toEqual([
      ...range(1, replayed.indexOf(firstOfSecond)),
      ...range(firstOfSecond, 40),
    ]);
    expect(replayed.indexOf(firstOfSecond)).toBeGreaterThan(0);
    expect(replayed.length).toBeLessThan(40);
    const [setAside] = reopened.setAside;
    expect(setAside?.segment).toBe(firstPath);
    expect(readFileSync(setAside?.keptAs ?? '')).toEqual(bytes.subarray(setAside?.fromByte));
    expect((await reopened.append(event(41))).seq).toBe(41);
    await reopened.close();
    // While the damaged segment is there, each start reports it again, with the same bytes kept.
    const again = openFileEventLog(small);
    expect(again.setAside).toEqual([setAside]);
    expect(readFileSync(setAside?.keptAs ?? '')).toEqual(bytes.subarray(setAside?.fromByte));
    await again.close();
  });

  it('drops events past the retention age and count', async () => {
    temp = makeTempDir('event-log');
    let now = Date.parse('2026-01-10T00:00:00Z');
    const log = openFileEventLog({
      dataDir: temp.path,
      retentionMs: 24 * 3600 * 1000,
      maxEvents: 3,
      now: () => now,
    });
    await log.append(event(1, '2026-01-08T00:00:00.000Z'));
    await log.append(event(2, '2026-01-09T12:00:00.000Z'));
    expect(log.oldestSeq()).toBe(2);
    for (const n of [3, 4, 5]) await log.append(event(n, '2026-01-09T13:00:00.000Z'));
    expect(log.oldestSeq()).toBe(3);
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([3, 4, 5]);
    now += 2 * 24 * 3600 * 1000;
    await log.append(event(6, new Date(now).toISOString()));
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([6]);
    await log.close();
  });

  it('drops the oldest events once the retained records pass the byte limit, never the newest', async () => {
    temp = makeTempDir('event-log');
    const probe = openFileEventLog({ dataDir: join(temp.path, 'probe') });
    await probe.append(event(1));
    await probe.close();
    const recordBytes = statSync(
      join(temp.path, 'probe', readdirSync(join(temp.path, 'probe'))[0] ?? ''),
    ).size;

    const log = openFileEventLog({ dataDir: join(temp.path, 'log'), maxBytes: 3.5 * recordBytes });
    for (let n = 1; n <= 3; n++) await log.append(event(n));
    expect(log.oldestSeq()).toBe(1);
    for (let n = 4; n <= 6; n++) await log.append(event(n));
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([4, 5, 6]);
    await log.close();

    const reopened = openFileEventLog({
      dataDir: join(temp.path, 'log'),
      maxBytes: 3.5 * recordBytes,
    });
    expect(reopened.oldestSeq()).toBe(4);
    await reopened.close();

    const tiny = openFileEventLog({ dataDir: join(temp.path, 'tiny'), maxBytes: 1 });
    for (let n = 1; n <= 3; n++) await tiny.append(event(n));
    expect(tiny.readAfter(0, 10).map((e) => e.seq)).toEqual([3]);
    await tiny.close();
  });

  it('refuses a batch the disk fails to write, leaves no torn record behind it, and carries on', async () => {
    temp = makeTempDir('event-log');
    const { log, failNextWrite } = logOnFailingDisk({ torn: true });
    await log.append(event(1));
    failNextWrite();
    await expect(log.append(event(2))).rejects.toThrow('no space left on device');
    expect(log.headSeq()).toBe(1);
    // The refused event is not remembered as stored: its redelivery is stored, under the next seq.
    expect(await log.append(event(2))).toEqual({ seq: 2, duplicate: false });
    expect(await log.append(event(3))).toEqual({ seq: 3, duplicate: false });
    await log.close();

    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.readAfter(0, 10).map((e) => e.body)).toEqual(
      [1, 2, 3].map((n) => event(n).body),
    );
    await reopened.close();
  });

  it('keeps a batch it stored where the disk will not make the next segment, makes it after a later batch, and says so once', async () => {
    temp = makeTempDir('event-log');
    let refuse = false;
    const told: string[] = [];
    const log = openFileEventLog({
      dataDir: temp.path,
      // Every batch fills a segment.
      segmentBytes: 1,
      createSegmentFile(path) {
        if (refuse) throw Object.assign(new Error('too many open files'), { code: 'EMFILE' });
        return createSegmentFileDurably(path);
      },
      onSegmentNotStarted: (error) => told.push((error as NodeJS.ErrnoException).code ?? ''),
    });
    const committed: number[] = [];
    log.onCommit((events) => committed.push(...events.map((e) => e.seq)));
    refuse = true;
    expect(await log.append(event(1))).toEqual({ seq: 1, duplicate: false });
    expect(await log.append(event(2))).toEqual({ seq: 2, duplicate: false });
    expect(told).toEqual(['EMFILE']);
    refuse = false;
    expect(await log.append(event(3))).toEqual({ seq: 3, duplicate: false });
    refuse = true;
    expect(await log.append(event(4))).toEqual({ seq: 4, duplicate: false });
    expect(told).toEqual(['EMFILE', 'EMFILE']);
    expect(committed).toEqual([1, 2, 3, 4]);
    await log.close();
    // Events 1 to 3 in the first segment, 4 in the one made after event 3's batch.
    expect(segmentFiles(temp.path)).toEqual([
      'events-0000000000000001.log',
      'events-0000000000000004.log',
    ]);
    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.readAfter(0, 10).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    await reopened.close();
  });

  it('replays events older than those it keeps in memory from disk, across segments and a reopen', async () => {
    temp = makeTempDir('event-log');
    const small = { dataDir: temp.path, memoryEvents: 4, segmentBytes: 1024 };
    const log = openFileEventLog(small);
    for (let n = 1; n <= 40; n++) await log.append(event(n));
    expect(segmentFiles(temp.path).length).toBeGreaterThan(3);
    expect(readAll(log, 0).map((e) => e.body)).toEqual(range(1, 40).map((n) => event(n).body));
    expect(readAll(log, 17).map((e) => e.seq)).toEqual(range(18, 40));
    await log.close();

    const reopened = openFileEventLog(small);
    expect(readAll(reopened, 0).map((e) => e.signature)).toEqual(
      range(1, 40).map((n) => `sig-${n}`),
    );
    // Dedupe still knows bodies that are only on disk.
    expect(await reopened.append(event(2))).toEqual({ seq: 2, duplicate: true });
    await reopened.close();
  });

  it('keeps large events in memory by bytes, not only by count, and reads them from disk a few at a time', async () => {
    temp = makeTempDir('event-log');
    const large = (n: number) => ({
      ...event(n),
      body: JSON.stringify({ account_id: String(n), padding: 'l'.repeat(1024 * 1024) }),
    });
    // Room in memory for two of these 1 MiB events, though the count limit is 1,024.
    const options = { dataDir: temp.path, memoryBytes: 2.5 * 1024 * 1024 };
    const log = openFileEventLog(options);
    for (let n = 1; n <= 6; n++) await log.append(large(n));
    // The two newest are in memory; the four before are on disk, and one read of them stops at
    // about 4 MiB (three) however many are asked for.
    expect(log.readAfter(0, 100).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.readAfter(3, 100).map((e) => e.seq)).toEqual([4]);
    expect(log.readAfter(4, 100).map((e) => e.seq)).toEqual([5, 6]);
    expect(readAll(log, 0).map((e) => e.body)).toEqual(range(1, 6).map((n) => large(n).body));
    await log.close();

    const reopened = openFileEventLog(options);
    expect(readAll(reopened, 0).map((e) => e.body)).toEqual(range(1, 6).map((n) => large(n).body));
    await reopened.close();
  });

  it('reads no more than the bytes asked for, from disk and from memory, but always one event', async () => {
    temp = makeTempDir('event-log');
    const sized = (n: number) => ({
      ...event(n),
      body: JSON.stringify({ account_id: String(n), padding: 's'.repeat(10_000) }),
    });
    // Events 1-6 on disk only, 7-12 in memory too.
    const log = openFileEventLog({ dataDir: temp.path, memoryEvents: 6 });
    for (let n = 1; n <= 12; n++) await log.append(sized(n));
    // Each stored event is a little over 10,000 bytes.
    expect(log.readAfter(0, 100, 35_000).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.readAfter(6, 100, 35_000).map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(log.readAfter(2, 100, 1).map((e) => e.seq)).toEqual([3]);
    expect(log.readAfter(8, 100, 1).map((e) => e.seq)).toEqual([9]);
    // The count still bounds it, and without a size every event held is read.
    expect(log.readAfter(0, 2, 35_000).map((e) => e.seq)).toEqual([1, 2]);
    expect(log.readAfter(6, 100).map((e) => e.seq)).toEqual(range(7, 12));
    await log.close();
  });

  it('deletes a segment file once every event in it is past retention, and never reuses a seq', async () => {
    temp = makeTempDir('event-log');
    const options = { dataDir: temp.path, maxEvents: 5, segmentBytes: 512 };
    const log = openFileEventLog(options);
    for (let n = 1; n <= 60; n++) await log.append(event(n));
    expect(readAll(log, 0).map((e) => e.seq)).toEqual(range(56, 60));
    // Deletions run in the background; closing waits for them.
    await log.close();
    expect(bytesOnDisk(temp.path)).toBeLessThan(3 * 512);

    const reopened = openFileEventLog(options);
    expect(reopened.oldestSeq()).toBe(56);
    expect((await reopened.append(event(61))).seq).toBe(61);
    await reopened.close();
  });

  it('says what its files take on disk, what retention lets them come to, and what the disk has free', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({
      dataDir: temp.path,
      maxBytes: 4096,
      maxEvents: 1_000,
      segmentBytes: 512,
    });
    expect(await log.storage?.()).toMatchObject({ bytes: 0, maxBytes: 4096 + 512 });
    for (let n = 1; n <= 200; n++) await log.append(event(n));
    // Retention holds the files near their most once they reach it, deleting the oldest (in the
    // background: a file being deleted is still on disk for a moment).
    await eventually(async () =>
      expect((await log.storage?.())?.bytes).toBe(bytesOnDisk(temp.path)),
    );
    const storage = await log.storage?.();
    expect(storage?.bytes).toBeGreaterThan(4096 - 512);
    expect(storage?.bytes).toBeLessThanOrEqual(4096 + 512);
    // The disk's own answer, asked apart: other writers on it move it a little meanwhile.
    const disk = statfsSync(temp.path);
    expect(Math.abs((storage?.freeBytes ?? 0) - disk.bavail * disk.bsize)).toBeLessThan(
      64 * 1024 * 1024,
    );
    await log.close();
  });

  it('takes the most its files can come to from its limit on events where that comes first, at their size so far', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({
      dataDir: temp.path,
      maxBytes: 1024 * 1024,
      maxEvents: 10,
      segmentBytes: 512,
    });
    for (let n = 1; n <= 5; n++) await log.append(event(n));
    // Five records, all on disk: ten of their average size, and a segment.
    expect((await log.storage?.())?.maxBytes).toBe(bytesOnDisk(temp.path) * 2 + 512);
    await log.close();
  });

  it('answers appends whose commit expired a segment it then cannot delete, and deletes it later', async () => {
    temp = makeTempDir('event-log');
    const attempts: string[] = [];
    const log = openFileEventLog({
      dataDir: temp.path,
      maxEvents: 5,
      segmentBytes: 512,
      // The first deletion fails, as on a disk that returned an I/O error; later ones succeed.
      removeFile: async (path) => {
        attempts.push(path);
        if (attempts.length === 1) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        await unlink(path);
      },
    });
    const seqs: number[] = [];
    for (let n = 1; n <= 60; n++) seqs.push((await log.append(event(n))).seq);
    await log.close();

    expect(seqs).toEqual(range(1, 60));
    const failed = attempts[0];
    expect(attempts.filter((path) => path === failed)).toHaveLength(2);
    expect(existsSync(failed as string)).toBe(false);
    expect(bytesOnDisk(temp.path)).toBeLessThan(3 * 512);
  });

  it('deletes on reopening a segment file it could not delete while running', async () => {
    temp = makeTempDir('event-log');
    const options = { dataDir: temp.path, maxEvents: 5, segmentBytes: 512 };
    // Every deletion fails, as when the relay is killed before they are done.
    const log = openFileEventLog({
      ...options,
      removeFile: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })),
    });
    for (let n = 1; n <= 30; n++) await log.append(event(n));
    await log.close();
    const leftBehind = segmentFiles(temp.path).length;

    const reopened = openFileEventLog(options);
    expect(readAll(reopened, 0).map((e) => e.seq)).toEqual(range(26, 30));
    await reopened.close();
    expect(leftBehind).toBeGreaterThan(3);
    expect(bytesOnDisk(temp.path)).toBeLessThan(3 * 512);
  });

  it('refuses a data directory another live relay process holds, and takes over one a dead relay left', async () => {
    temp = makeTempDir('event-log');
    const lock = join(temp.path, 'relay.lock');
    writeFileSync(lock, String(process.ppid)); // a process that is running: the test runner's parent
    expect(() => openFileEventLog({ dataDir: temp.path })).toThrow(
      `${temp.path} is in use by another relay (process ${process.ppid}). Stop it, or give this one its own --data-dir.`,
    );

    const exited = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(lock, String(exited.pid)); // left behind by a relay killed with -9
    const log = openFileEventLog({ dataDir: temp.path });
    // Its pid, the machine's boot, and when it started, in clock ticks (100 a second) after boot.
    const [pid, bootId, startTicks] = readFileSync(lock, 'utf8').split('\n');
    expect(pid).toBe(String(process.pid));
    expect(bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const startedSecondsAfterBoot =
      Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) - process.uptime();
    expect(Math.abs(Number(startTicks) / 100 - startedSecondsAfterBoot)).toBeLessThan(1);
    await log.append(event(1));
    await log.close();
    expect(readdirSync(temp.path)).not.toContain('relay.lock');
  });

  it('takes over a lock whose pid another process has now (given out again since)', async () => {
    temp = makeTempDir('event-log');
    const lock = join(temp.path, 'relay.lock');
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // The test runner's parent runs, but it started at another time than the lock says.
    writeFileSync(lock, `${process.ppid}\n${bootId}\n1\n${readlinkSync('/proc/self/ns/pid')}\n`);
    const log = openFileEventLog({ dataDir: temp.path });
    expect(readFileSync(lock, 'utf8').split('\n')[0]).toBe(String(process.pid));
    await log.close();
  });

  /** A log holding event 1, renewing its lock every 100 ms, and the losses of its lock it was told. */
  async function logRenewingItsLockEvery100Ms() {
    temp = makeTempDir('event-log');
    const lost: string[] = [];
    const log = openFileEventLog({
      dataDir: temp.path,
      lockRenewEveryMs: 100,
      onLockLost: () => lost.push('lost'),
    });
    await log.append(event(1));
    return { log, lock: join(temp.path, 'relay.lock'), lost };
  }

  it('writes nothing once its lock was taken over while it was held up, and tells its holder', async () => {
    const { log, lock, lost } = await logRenewingItsLockEvery100Ms();
    // Frozen past its renewal (a paused machine), taken over meanwhile by a relay elsewhere, and
    // then given the webhooks that arrived while it was frozen.
    const theirs = `${spawnSync(process.execPath, ['-e', '']).pid}\nanother-boot\n1\n\nanother-machine\n`;
    writeFileSync(lock, theirs);
    const appends = [log.append(event(2)), log.append(event(3))];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    for (const append of appends)
      await expect(append).rejects.toMatchObject({
        code: 'RELAY_LOCK_LOST',
        message: expect.stringContaining("the data directory is no longer this relay's"),
      });
    expect(lost).toEqual(['lost']);
    await log.close();
    expect(readFileSync(lock, 'utf8')).toBe(theirs);

    unlinkSync(lock);
    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.readAfter(0, 10).map((e) => e.seq)).toEqual([1]);
    await reopened.close();
  });

  it('refuses writes with the error where its overdue lock cannot be read, and writes on once it can', async () => {
    const { log, lock, lost } = await logRenewingItsLockEvery100Ms();
    const mine = readFileSync(lock, 'utf8');
    // Not readable (its name taken by a directory: EISDIR), as on a failing disk, while held up.
    unlinkSync(lock);
    mkdirSync(lock);
    const refused = log.append(event(2));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    await expect(refused).rejects.toMatchObject({ code: 'EISDIR' });
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([1]);

    rmdirSync(lock);
    writeFileSync(lock, mine);
    expect(await log.append(event(3))).toEqual({ seq: 2, duplicate: false });
    expect(lost).toEqual([]);
    await log.close();
    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(reopened.readAfter(0, 10).map((e) => e.body)).toEqual([event(1).body, event(3).body]);
    await reopened.close();
  });

  it('names its log for good: the same id on each reopen, another in another data directory', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: join(temp.path, 'a') });
    const other = openFileEventLog({ dataDir: join(temp.path, 'b') });
    expect(log.logId).toMatch(relayLogIdPattern);
    expect(other.logId).toMatch(relayLogIdPattern);
    expect(other.logId).not.toBe(log.logId);
    await Promise.all([log.close(), other.close()]);

    const reopened = openFileEventLog({ dataDir: join(temp.path, 'a') });
    expect(reopened.logId).toBe(log.logId);
    await reopened.close();
    expect(readFileSync(join(temp.path, 'a', logIdFileName), 'utf8')).toBe(`${log.logId}\n`);
    expect(readdirSync(join(temp.path, 'a'))).not.toContain(`${logIdFileName}.tmp`);
  });

  it('names its log anew where its id was deleted (after a restore) or does not hold one', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    await log.append(event(1));
    await log.close();
    const ids = [log.logId];
    for (const undo of [
      () => unlink(join(temp.path, logIdFileName)),
      () => writeFileSync(join(temp.path, logIdFileName), 'not an id\n'),
      () => writeFileSync(join(temp.path, logIdFileName), ''),
    ]) {
      await undo();
      const reopened = openFileEventLog({ dataDir: temp.path });
      expect(reopened.logId).toMatch(relayLogIdPattern);
      expect(ids).not.toContain(reopened.logId);
      ids.push(reopened.logId);
      // Its events stay: only clients' cursors are taken as another log's.
      expect(reopened.readAfter(0, 10).map((e) => e.seq)).toEqual([1]);
      await reopened.close();
    }
  });

  it('takes over the single events.log written by earlier versions', async () => {
    temp = makeTempDir('event-log');
    const log = openFileEventLog({ dataDir: temp.path });
    for (const n of [1, 2]) await log.append(event(n));
    await log.close();
    renameSync(join(temp.path, segmentFiles(temp.path)[0] ?? ''), join(temp.path, 'events.log'));

    const reopened = openFileEventLog({ dataDir: temp.path });
    expect(readAll(reopened, 0).map((e) => e.seq)).toEqual([1, 2]);
    expect((await reopened.append(event(3))).seq).toBe(3);
    await reopened.close();
    expect(readdirSync(temp.path)).not.toContain('events.log');
  });
});

/** Reads everything after `cursor` the way a stream connection does: batch after batch. */
function readAll(log: EventLog, cursor: number): StoredEvent[] {
  const all: StoredEvent[] = [];
  for (let batch = log.readAfter(cursor, 7); batch.length > 0;) {
    all.push(...batch);
    batch = log.readAfter(batch.at(-1)?.seq ?? cursor, 7);
  }
  return all;
}
