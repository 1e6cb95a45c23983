/**
 * The files of a GTFS feed, from a .zip (read in place with yauzl, nothing extracted) or a
 * directory. Files are found by name; in a zip, a feed inside one top folder is accepted.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { badRequestData } from '../../ngsi-ld/problem-details.js';

export interface GtfsFeedFiles {
  has(file: string): boolean;
  /** Uncompressed size in bytes. */
  size(file: string): number;
  open(file: string): Promise<AsyncIterable<Uint8Array>>;
  close(): Promise<void>;
}

export async function openGtfsFeedFiles(path: string): Promise<GtfsFeedFiles> {
  const info = await stat(path).catch(() => {
    throw badRequestData(`${path} does not exist`);
  });
  return info.isDirectory() ? openDirectory(path) : openZip(path);
}

async function openDirectory(dir: string): Promise<GtfsFeedFiles> {
  const sizes = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.txt')) {
      sizes.set(entry.name, (await stat(join(dir, entry.name))).size);
    }
  }
  return {
    has: (file) => sizes.has(file),
    size: (file) => sizes.get(file) ?? 0,
    open: async (file) => createReadStream(join(dir, file), { highWaterMark: 64 * 1024 }),
    close: async () => undefined,
  };
}

async function openZip(path: string): Promise<GtfsFeedFiles> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw badRequestData(
      `${basename(path)} is not a readable zip file (${(error as Error).message})`,
    );
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith('/') || name.startsWith('__MACOSX/') || !name.endsWith('.txt')) continue;
      const file = name.slice(name.lastIndexOf('/') + 1);
      const known = entries.get(file);
      // The shallowest copy wins: feeds zipped with their folder still work.
      if (!known || depth(known.fileName) > depth(name)) entries.set(file, entry);
    }
  } catch (error) {
    zip.close();
    throw badRequestData(`${basename(path)}: broken zip file (${(error as Error).message})`);
  }
  return {
    has: (file) => entries.has(file),
    size: (file) => entries.get(file)?.uncompressedSize ?? 0,
    open: async (file) => {
      const entry = entries.get(file);
      if (!entry) throw badRequestData(`the feed has no ${file}`);
      try {
        return await zip.openReadStreamPromise(entry);
      } catch (error) {
        throw badRequestData(`${file} cannot be read from the zip (${(error as Error).message})`);
      }
    },
    close: async () => zip.close(),
  };
}

function depth(fileName: string): number {
  return fileName.split('/').length;
}
