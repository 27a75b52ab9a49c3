// Departures from Docker's view, on the napt recording: a topology that says c2 has
// another MAC and that c1 publishes only 8080/udp must yield exactly those two
// departures (the capture's 8081/tcp forward, and c2's claims), and the true topology none.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { loadTopology, runAnalysis } from '../../src/api/analysis-run.js';
import { departures } from '../../src/verify/departures.js';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const napt = (f: string) => join(capturesDir, 'napt', f);
const dir = mkdtempSync(join(tmpdir(), 'dockshark-departures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const network = readFileSync(napt('docker-network-inspect.json'), 'utf8');
const wrongMac = write('network.json', network.replace('"MacAddress": "02:42:ac:11:00:03"', '"MacAddress": "02:42:ac:11:99:03"'));
const compose = write('compose.yml', `services:
  c1:
    image: nginx
    container_name: c1
    network_mode: bridge
    ports:
      - "8080:80/udp"
`);

function departuresOf(topologyFiles: string[]) {
  const run = runAnalysis([napt('napt-multi.pcapng')], createEngines, { topologyFiles });
  return departures(run.pipeline.report(), loadTopology(topologyFiles));
}

describe('departures from the topology', () => {
  it('names the claims of an address Docker gives to another MAC, and a forward of a port nobody publishes', () => {
    expect(network).toContain('"MacAddress": "02:42:ac:11:00:03"');
    const found = departuresOf([wrongMac, compose]);
    expect(found.map((d) => d.kind)).toEqual(['arp.owner', 'nat.unpublished']);
    expect(found[0].message).toBe('172.17.0.3 was claimed by 02:42:ac:11:00:03, but Docker gives it to c2 (02:42:ac:11:99:03) on bridge.');
    expect(found[1].message).toBe('tcp port 8081 was forwarded to 172.17.0.2:80, but no container publishes it.');
    expect(found[1].frame).toBe(57);
  });

  it('finds nothing when the topology is the network as it was', () => {
    expect(departuresOf([napt('docker-network-inspect.json')])).toEqual([]);
  });

  it('says a port went to another container port than Docker publishes', () => {
    const other = write('other.yml', 'services:\n  c1:\n    image: nginx\n    container_name: c1\n    network_mode: bridge\n    ports:\n      - "8080:8000/udp"\n      - "8081:80"\n');
    const found = departuresOf([napt('docker-network-inspect.json'), other]);
    expect(found.map((d) => d.message)).toEqual(['udp port 8080 was forwarded to 172.17.0.2:80, but c1 publishes it to port 8000 at 172.17.0.2.']);
  });

  it('is printed by analyze as its own table, and in --json', () => {
    const text = runCli(['analyze', '--topology', wrongMac, '--topology', compose, napt('napt-multi.pcapng')]).stdout;
    expect(text).toMatch(/^Departures from the topology\nframe +what\n[- ]+\n18 +172\.17\.0\.3 was claimed by 02:42:ac:11:00:03/m);
    const json = JSON.parse(runCli(['analyze', '--json', '--topology', wrongMac, napt('napt-multi.pcapng')]).stdout);
    expect(json.departures.map((d: { kind: string }) => d.kind)).toEqual(['arp.owner']);
    expect(JSON.parse(runCli(['analyze', '--json', napt('napt-multi.pcapng')]).stdout).departures).toBeUndefined();
  });
});
