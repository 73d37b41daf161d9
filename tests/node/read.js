// Read a bibliography file with Citation.js and print what it read as CSL-JSON.
//
//   node read.js FORMAT FILE      FORMAT: bibtex | biblatex | ris | csljson
//
// Owns only the call into Citation.js: the input type is forced (no guessing),
// so a file Citation.js cannot read as FORMAT fails here instead of being read
// as something else. Warnings Citation.js logs go to stderr; the CSL items go
// to stdout as one JSON array. Exit 2 on a usage error, 1 when reading fails.
'use strict'

const fs = require('fs')
const { Cite, logger } = require('@citation-js/core')
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')
require('@citation-js/plugin-csl')

const TYPES = {
  bibtex: '@bibtex/text',
  biblatex: '@biblatex/text',
  ris: '@ris/file',
  csljson: '@csl/list+object',
}

const [format, file] = process.argv.slice(2)
if (!(format in TYPES) || !file) {
  console.error(`usage: node read.js {${Object.keys(TYPES).join('|')}} FILE`)
  process.exit(2)
}

// Citation.js logs warnings and the fields it could not map; keep them, on stderr.
logger.level = 'unmapped'

let input = fs.readFileSync(file, 'utf8')
if (format === 'csljson') input = JSON.parse(input)

try {
  const cite = new Cite(input, { forceType: TYPES[format], generateGraph: false })
  process.stdout.write(JSON.stringify(cite.data, null, 2) + '\n')
} catch (error) {
  console.error(`citation.js could not read ${file} as ${format}: ${error.message}`)
  process.exit(1)
}
