import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCivis } from '../support/civis-process.js';

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCivis(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('civis CLI', () => {
  it('civis --version prints the version', async () => {
    const { code, stdout } = await run(['--version']);
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('civis --help lists the start command', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /start/);
  });

  it('civis start with invalid configuration stops with a readable message and exit code 2', async () => {
    const { code, stderr } = await run(['start', '--port', 'eighty'], {
      CIVIS_DATABASE_URL: 'mysql://civis:cliSecret@nope/civis',
    });
    assert.equal(code, 2);
    assert.match(stderr, /Invalid configuration/);
    assert.match(stderr, /port must be a port number/);
    assert.match(stderr, /CIVIS_DATABASE_URL: databaseUrl must be a postgres/);
    // The message shows which URL was wrong, never its password.
    assert.match(stderr, /mysql:\/\/civis:\*\*\*@nope\/civis/);
    assert.doesNotMatch(stderr, /cliSecret/);
  });
});
