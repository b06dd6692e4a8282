// Original file: ../../protos/common.proto


export interface CPUTimes {
  'user'?: (number | string);
  'system'?: (number | string);
  'idle'?: (number | string);
  'nice'?: (number | string);
  'iowait'?: (number | string);
  'irq'?: (number | string);
  'softirq'?: (number | string);
  'steal'?: (number | string);
  'guest'?: (number | string);
  'guest_nice'?: (number | string);
}

export interface CPUTimes__Output {
  'user': (number);
  'system': (number);
  'idle': (number);
  'nice': (number);
  'iowait': (number);
  'irq': (number);
  'softirq': (number);
  'steal': (number);
  'guest': (number);
  'guest_nice': (number);
}
