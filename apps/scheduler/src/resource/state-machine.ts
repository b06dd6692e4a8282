import { SchedulerError } from '../errors.js';

export interface Transition<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
}

/** Every event of E, with the states it may fire from and the state it leads to. */
export type TransitionTable<S extends string, E extends string> = { readonly [K in E]: Transition<S> };

export interface StateMachineDeps<S extends string, E extends string> {
  /** What the machine belongs to, for error messages ("peer 10.0.0.1-a-…"). */
  name: string;
  initial: S;
  table: TransitionTable<S, E>;
  /** Runs after the state changed. */
  onTransition?: (event: E, from: S, to: S) => void;
  /** Told after the state changed, like onTransition, without a closure per machine. */
  listener?: TransitionListener<S, E>;
}

export interface TransitionListener<S extends string, E extends string> {
  stateChanged(event: E, from: S, to: S): void;
}

/** A finite state machine over a typed transition table; illegal events throw and change nothing. */
export class StateMachine<S extends string, E extends string> {
  private current: S;
  private readonly deps: StateMachineDeps<S, E>;

  constructor(deps: StateMachineDeps<S, E>) {
    this.deps = deps;
    this.current = deps.initial;
  }

  get state(): S {
    return this.current;
  }

  is(...states: readonly S[]): boolean {
    return states.includes(this.current);
  }

  can(event: E): boolean {
    return this.deps.table[event].from.includes(this.current);
  }

  /** Fires `event`; throws DF_ERR_SCHEDULER_INVALID_TRANSITION when it is not allowed from the current state. */
  fire(event: E): S {
    const transition = this.deps.table[event];
    const from = this.current;
    if (!transition.from.includes(from)) {
      throw new SchedulerError(
        'DF_ERR_SCHEDULER_INVALID_TRANSITION',
        `${this.deps.name}: event ${event} is not allowed in state ${from} (allowed from ${transition.from.join(', ')})`,
      );
    }
    this.current = transition.to;
    this.deps.onTransition?.(event, from, transition.to);
    this.deps.listener?.stateChanged(event, from, transition.to);
    return transition.to;
  }

  /** Fires `event` when allowed; returns whether it fired. */
  fireIfCan(event: E): boolean {
    if (!this.can(event)) return false;
    this.fire(event);
    return true;
  }
}
