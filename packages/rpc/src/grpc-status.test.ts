import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { GrpcStatus, grpcStatusName } from './grpc-status.js';

describe('GrpcStatus', () => {
  it('has the numbers and names of grpc-js', () => {
    const fromGrpcJs = Object.fromEntries(Object.entries(grpc.status).filter(([k]) => Number.isNaN(Number(k))));
    expect(GrpcStatus).toEqual(fromGrpcJs);
    for (const [name, code] of Object.entries(GrpcStatus)) expect(grpcStatusName(code)).toBe(name);
    expect(grpcStatusName(17)).toBe('CODE_17');
  });
});
