import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Backend as _errordetails_v2_Backend, Backend__Output as _errordetails_v2_Backend__Output } from './errordetails/v2/Backend.js';
import type { Unknown as _errordetails_v2_Unknown, Unknown__Output as _errordetails_v2_Unknown__Output } from './errordetails/v2/Unknown.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  errordetails: {
    v2: {
      Backend: MessageTypeDefinition<_errordetails_v2_Backend, _errordetails_v2_Backend__Output>
      Unknown: MessageTypeDefinition<_errordetails_v2_Unknown, _errordetails_v2_Unknown__Output>
    }
  }
}

