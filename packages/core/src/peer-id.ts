import { randomUUID } from 'node:crypto';
import { InvalidIdError } from './invalid-id-error.js';
import { SEED_SUFFIX, hostId, hostIdProblem } from './host-id.js';

// A lower-case hyphenated UUID, as Rust's `Uuid::new_v4()` prints it, optionally followed by "-seed".
const PEER_TAIL = /-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(-seed)?$/;

/**
 * Peer ID as the upstream Rust client builds it: `<ip>-<hostname>-<uuid v4>`, with `-seed`
 * appended for seed peers. `uuid` is injectable for tests.
 */
export function peerId(hostname: string, ip: string, seed = false, uuid: string = randomUUID()): string {
  const id = `${hostId(hostname, ip, false)}-${uuid}${seed ? `-${SEED_SUFFIX}` : ''}`;
  assertPeerId(id);
  return id;
}

export function isPeerId(value: unknown): value is string {
  return peerIdProblem(value) === undefined;
}

export function assertPeerId(value: unknown): asserts value is string {
  const reason = peerIdProblem(value);
  if (reason !== undefined) throw new InvalidIdError('peer', value, reason);
}

function peerIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'expected a string';
  if (value.length === 0) return 'empty';
  const tail = PEER_TAIL.exec(value);
  if (tail === null) return 'expected "<ip>-<hostname>-<lower-case uuid>[-seed]"';
  return hostIdProblem(value.slice(0, tail.index));
}
