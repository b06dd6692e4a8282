#!/usr/bin/env node
import '../dist/cli/dfget.js';
