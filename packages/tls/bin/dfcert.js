#!/usr/bin/env node
import '../dist/cli/dfcert.js';
