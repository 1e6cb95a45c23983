#!/usr/bin/env node
// The civis command: runs the compiled CLI (npm run build produces dist/).
import '../dist/src/main.js';
