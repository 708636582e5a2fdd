import { inflateSync } from "node:zlib";

import { DomainError } from "../../errors";

/**
 * WOFF 1.0 → SFNT (TrueType/OpenType) conversion with the platform's zlib.
 *
 * The bundled fonts ship as WOFF. fontkit can read WOFF itself, but it inflates each table with a
 * pure-JS decoder that is slower and rejects some valid tables of the bundled subsets; handing it
 * the plain SFNT avoids both.
 */

const WOFF_SIGNATURE = 0x774f4646; // "wOFF"
const WOFF_HEADER_SIZE = 44;
const WOFF_ENTRY_SIZE = 20;
const SFNT_HEADER_SIZE = 12;
const SFNT_ENTRY_SIZE = 16;

interface WoffTable {
  tag: number;
  offset: number;
  compLength: number;
  origLength: number;
  checksum: number;
}

const pad4 = (n: number) => (n + 3) & ~3;

function malformed(): DomainError {
  return new DomainError("INTERNAL", "A bundled font could not be read");
}

/** Converts a WOFF 1.0 font file to the SFNT bytes it wraps. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER_SIZE || woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw malformed();
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  if (WOFF_HEADER_SIZE + numTables * WOFF_ENTRY_SIZE > woff.length) throw malformed();

  const tables: WoffTable[] = [];
  let size = SFNT_HEADER_SIZE + numTables * SFNT_ENTRY_SIZE;
  for (let i = 0; i < numTables; i++) {
    const at = WOFF_HEADER_SIZE + i * WOFF_ENTRY_SIZE;
    const table: WoffTable = {
      tag: woff.readUInt32BE(at),
      offset: woff.readUInt32BE(at + 4),
      compLength: woff.readUInt32BE(at + 8),
      origLength: woff.readUInt32BE(at + 12),
      checksum: woff.readUInt32BE(at + 16),
    };
    if (table.offset + table.compLength > woff.length) throw malformed();
    tables.push(table);
    size += pad4(table.origLength);
  }

  const sfnt = Buffer.alloc(size);
  let searchRange = 1;
  let entrySelector = 0;
  while (searchRange * 2 <= numTables) {
    searchRange *= 2;
    entrySelector++;
  }
  sfnt.writeUInt32BE(flavor, 0);
  sfnt.writeUInt16BE(numTables, 4);
  sfnt.writeUInt16BE(searchRange * 16, 6);
  sfnt.writeUInt16BE(entrySelector, 8);
  sfnt.writeUInt16BE(numTables * 16 - searchRange * 16, 10);

  let dataOffset = SFNT_HEADER_SIZE + numTables * SFNT_ENTRY_SIZE;
  tables.forEach((table, i) => {
    const entry = SFNT_HEADER_SIZE + i * SFNT_ENTRY_SIZE;
    sfnt.writeUInt32BE(table.tag, entry);
    sfnt.writeUInt32BE(table.checksum, entry + 4);
    sfnt.writeUInt32BE(dataOffset, entry + 8);
    sfnt.writeUInt32BE(table.origLength, entry + 12);
    const stored = woff.subarray(table.offset, table.offset + table.compLength);
    const data = table.compLength < table.origLength ? inflateSync(stored) : stored;
    if (data.length !== table.origLength) throw malformed();
    data.copy(sfnt, dataOffset);
    dataOffset += pad4(table.origLength);
  });
  return sfnt;
}
