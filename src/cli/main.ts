#!/usr/bin/env node
// The `dockshark` executable.
import { main } from './program.js';

process.exitCode = main(process.argv);
