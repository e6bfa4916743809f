/*
 * The public site's search: the kiosk's search engine (village/search/ in Python) ported to
 * the browser, answering as the citizen types.
 *
 * The index is assets/search-index.js, written by the site build (commune/site/
 * search_index.py) from the very structures the Python engine builds: the folding table,
 * every word with the procedures it occurs in and where, the words side by side in names,
 * the synonyms' rules and every tuning constant. This file holds only the algorithm, step
 * for step as in Python:
 *
 *   village/search/typing.py    Telex/VNI leftovers, words run together
 *   village/search/synonyms.py  the citizens' phrases of the synonyms file
 *   village/search/query.py     a query read as the citizen means it (units and roles)
 *   village/search/index.py     what one word matches (exact, prefix, one typo)
 *   village/search/codes.py     procedures found by their code
 *   village/search/engine.py    scoring and ranking
 *
 * NumPy computes in float32 where the Python engine holds float32 arrays or scalars, and in
 * float64 where it holds Python floats; here Float32Array and Math.fround stand for the
 * first and plain numbers for the second, so the scores are the same numbers.
 *
 * The page part (at the end) loads the index only when it is needed: at once on the search
 * page, at the first focus of the search box on any other page. It builds the results with
 * DOM methods and textContent only, so a procedure's name is always shown as text. No
 * inline script and no eval: it runs under a Content-Security-Policy of script-src 'self'.
 */
(() => {
  "use strict";

  const fround = Math.fround;

  // -- small helpers -------------------------------------------------------------------------

  // The digits of the index's variable-length numbers (commune/site/search_index.py): five
  // bits a digit, low bits first; the digits 32-63 say that more follow.
  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const DIGIT_VALUE = new Int8Array(128).fill(-1);
  for (let d = 0; d < DIGITS.length; d++) DIGIT_VALUE[DIGITS.charCodeAt(d)] = d;

  function decodeNumbers(text) {
    const values = [];
    let value = 0;
    let scale = 1;
    for (let i = 0; i < text.length; i++) {
      const digit = DIGIT_VALUE[text.charCodeAt(i)];
      if (digit >= 32) {
        value += (digit - 32) * scale;
        scale *= 32;
      } else {
        values.push(value + digit * scale);
        value = 0;
        scale = 1;
      }
    }
    return values;
  }

  // Ascending procedure numbers written as the gaps between them, less one.
  function decodeDocs(text) {
    const gaps = decodeNumbers(text);
    const docs = new Int32Array(gaps.length);
    let doc = -1;
    for (let i = 0; i < gaps.length; i++) {
      doc += gaps[i] + 1;
      docs[i] = doc;
    }
    return docs;
  }

  // Python's whitespace (str.isspace, str.strip), which is not JavaScript's \s.
  const SPACE =
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680" +
    "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const PY_SPACE = new RegExp("[" + SPACE + "]");
  const PY_STRIP = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");

  // Python measures and orders strings by code point, JavaScript by UTF-16 unit; the two
  // differ beyond the Basic Multilingual Plane only, but a code may hold anything.
  const codePointLength = (text) => {
    let n = 0;
    for (const _ of text) n++;
    return n;
  };

  const SURROGATE = /[\ud800-\udfff]/;

  function compareCodePoints(a, b) {
    if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0) ? -1 : 1;
    }
    return x.length - y.length;
  }

  function firstCodePoints(text, count) {
    if (text.length <= count) return text;
    return Array.from(text).slice(0, count).join("");
  }

  // The first index of a sorted array of ASCII words whose entry is not less than `key`.
  function lowerBound(sorted, key) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid] < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  // Python's round(x, digits): correctly rounded, exact halves to even. A binary fraction
  // is exactly half-way at `digits` decimals only when x * 2^(digits+1) is an odd integer.
  function pyRound(x, digits) {
    const halves = x * Math.pow(2, digits + 1);
    if (Number.isInteger(halves) && halves % 2 !== 0) {
      const scale = Math.pow(10, digits);
      const low = Math.floor(x * scale);
      return (low % 2 === 0 ? low : low + 1) / scale;
    }
    return Number(x.toFixed(digits));
  }

  // A Python number that may be a NumPy float32 or a Python float. Mixing the two gives a
  // float32, the Python float taken as a float32 first (NumPy's rule, NEP 50).
  const py = (value, f32) => ({ value, f32 });

  const pyAdd = (a, b) =>
    a.f32 || b.f32
      ? py(fround(fround(a.value) + fround(b.value)), true)
      : py(a.value + b.value, false);

  const pyGreater = (a, b) =>
    a.f32 || b.f32 ? fround(a.value) > fround(b.value) : a.value > b.value;

  // -- folding (village/text.py fold) --------------------------------------------------------

  function makeFold(table) {
    const map = new Map();
    for (const [target, chars] of Object.entries(table)) {
      for (const ch of chars) map.set(ch, target);
    }
    const ascii = /^[\x00-\x7f]*$/;
    return (text) => {
      if (ascii.test(text)) return text.toLowerCase();
      let out = "";
      for (const ch of text) {
        const mapped = map.get(ch);
        out += mapped === undefined ? ch : mapped;
      }
      return out.toLowerCase();
    };
  }

  // -- input-method leftovers and run-together words (village/search/typing.py) -------------

  // A word with its Telex and VNI keys dropped: "ddawngs" -> "dang", "ky1" -> "ky".
  function inputMethodLeftovers(word, telexMarks) {
    if (!/[a-z]/.test(word)) return word; // a number or a code: nothing to undo
    let cleaned = word.replace(/([a-z])[0-9]+/g, "$1"); // VNI: digits after a letter
    cleaned = cleaned.replace(/[sfrxjz]+$/, "") || cleaned; // a Telex tone key at the end
    for (const [marked, plain] of telexMarks) cleaned = cleaned.split(marked).join(plain);
    return cleaned.replace(/uw|w/g, "u");
  }

  // The word as the fewest words of the vocabulary written together, or []. Among splits
  // with as few pieces, the one with the most known neighbours wins, then the longest last.
  function splitRunTogether(word, known, knownPrefix, pair, c) {
    if (word.length > c.SPLIT_MAX_WORD || !/^[a-z]+$/.test(word)) return [];
    const splits = Array.from({ length: word.length + 1 }, () => []);
    splits[0] = [[]];
    for (let end = c.SPLIT_MIN_PIECE; end <= word.length; end++) {
      splits[end] = fewestPiecesEndingAt(word, end, splits, known, knownPrefix, c);
    }
    const found = splits[word.length].filter((s) => s.length >= 2);
    let best = null;
    let bestKey = null;
    for (const split of found) {
      const key = [neighbours(split, pair), split[split.length - 1].length];
      if (best === null || key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
        best = split;
        bestKey = key;
      }
    }
    return best || [];
  }

  function neighbours(pieces, pair) {
    let n = 0;
    for (let i = 0; i + 1 < pieces.length; i++) if (pair(pieces[i], pieces[i + 1])) n++;
    return n;
  }

  function fewestPiecesEndingAt(word, end, splits, known, knownPrefix, c) {
    const last = end === word.length;
    let chosen = [];
    const first = Math.max(0, end - c.SPLIT_MAX_PIECE);
    for (let start = first; start <= end - c.SPLIT_MIN_PIECE; start++) {
      const piece = word.slice(start, end);
      if (!splits[start].length) continue;
      if (!(known(piece) || (last && knownPrefix !== null && knownPrefix(piece)))) continue;
      for (const before of splits[start]) {
        if (chosen.length && before.length + 1 > chosen[0].length) continue;
        if (chosen.length && before.length + 1 < chosen[0].length) chosen = [];
        chosen.push([...before, piece]);
      }
    }
    return chosen.slice(0, c.SPLIT_MAX_CHOICES);
  }

  // -- the citizens' phrases (village/search/synonyms.py) -----------------------------------

  class Synonyms {
    // `groups`: the phrases of one line of the file with the wordings they share
    constructor(groups) {
      this.rules = groups.flatMap(([phrases, targets, line]) =>
        phrases.map((phrase) => ({ phrase, targets, line }))
      );
      this.byFirst = new Map(); // in the order of the file, as Python's dict
      for (const rule of this.rules) {
        const first = rule.phrase[0];
        if (!this.byFirst.has(first)) this.byFirst.set(first, []);
        this.byFirst.get(first).push(rule);
      }
    }

    // The phrases in `tokens`, none overlapping, in query order: the longest wins, then the
    // first. The last word, still being typed, may be the start of the phrase's last word.
    phrases(tokens, lastIsPrefix) {
      const found = [];
      for (let start = 0; start < tokens.length; start++) {
        for (const rule of this.candidates(tokens, start, lastIsPrefix)) {
          if (matchesAt(tokens, start, rule, lastIsPrefix)) {
            found.push({ start, end: start + rule.phrase.length, rule });
          }
        }
      }
      found.sort(
        (a, b) =>
          a.start - a.end - (b.start - b.end) || a.start - b.start || a.rule.line - b.rule.line
      );
      const chosen = [];
      for (const match of found) {
        if (chosen.every((c) => match.end <= c.start || c.end <= match.start)) chosen.push(match);
      }
      return chosen.sort((a, b) => a.start - b.start);
    }

    candidates(tokens, start, lastIsPrefix) {
      const token = tokens[start];
      const candidates = [...(this.byFirst.get(token) || [])];
      if (lastIsPrefix && start === tokens.length - 1 && token.length >= 4) {
        for (const [first, rules] of this.byFirst) {
          if (first === token || !first.startsWith(token)) continue;
          for (const rule of rules) if (rule.phrase.length === 1) candidates.push(rule);
        }
      }
      return candidates;
    }
  }

  function matchesAt(tokens, start, rule, lastIsPrefix) {
    const end = start + rule.phrase.length;
    if (end > tokens.length) return false;
    for (let i = 0; i < rule.phrase.length - 1; i++) {
      if (tokens[start + i] !== rule.phrase[i]) return false;
    }
    const typed = tokens[end - 1];
    const wanted = rule.phrase[rule.phrase.length - 1];
    if (typed === wanted) return true;
    const stillTyping = lastIsPrefix && end === tokens.length;
    const longEnough = rule.phrase.length >= 2 || typed.length >= 4;
    return stillTyping && longEnough && wanted.startsWith(typed);
  }

  // -- a query read as meant (village/search/query.py) --------------------------------------

  const CONTENT = "content";
  const STOP = "stop";
  const MODIFIER = "modifier";

  // A unit is one word or a citizens' phrase; its alternatives are its wordings, the first
  // the citizen's own; its role says how much it counts.
  const alternative = (words, factor, typing) => ({ words, factor, typing });
  const unit = (words, alternatives, role = CONTENT) => ({ words, alternatives, role });
  const isWord = (u) => u.alternatives.length === 1 && u.words.length === 1;

  class QueryReader {
    constructor(data, vocabulary, synonyms) {
      this.c = data.constants;
      this.vocabulary = vocabulary;
      this.synonyms = synonyms;
      this.stopwords = new Set(data.stopwords);
      this.markers = new Set(data.modifierMarkers);
    }

    // The query's words with input-method leftovers dropped and run-together words split,
    // wherever the word as typed is not in the vocabulary.
    normalise(tokens, lastIsPrefix) {
      const last = tokens.length - 1;
      return tokens.flatMap((token, i) => this.meant(token, lastIsPrefix && i === last));
    }

    meant(token, typing) {
      const v = this.vocabulary;
      const fits = (word) => v.known(word) || (typing && v.knownPrefix(word));
      if (fits(token) || /^[0-9]+$/.test(token)) return [token];
      const cleaned = inputMethodLeftovers(token, this.c.TELEX_MARKS);
      if (cleaned !== token && fits(cleaned)) return [cleaned];
      if (v.near(token, typing)) return [token]; // a typo of one word, not words run together
      const prefix = typing ? v.knownPrefix : null;
      for (const candidate of new Set([cleaned, token])) {
        const pieces = splitRunTogether(candidate, v.known, prefix, v.pair, this.c);
        if (pieces.length) return pieces;
      }
      return [token]; // perhaps a typo: matching deals with it
    }

    // The query's units in order, with their roles.
    units(tokens, lastIsPrefix) {
      const matches = this.synonyms.phrases(tokens, lastIsPrefix);
      const phrases = new Map(matches.map((m) => [m.start, m]));
      const whole =
        matches.length === 1 && matches[0].start === 0 && matches[0].end === tokens.length;
      const found = [];
      let index = 0;
      let inModifier = false;
      while (index < tokens.length) {
        const match = phrases.get(index);
        let u;
        if (match !== undefined) {
          u = this.phraseUnit(tokens, match, lastIsPrefix && match.end === tokens.length, whole);
          index = match.end;
        } else {
          const typing = lastIsPrefix && index === tokens.length - 1;
          u = unit([tokens[index]], [alternative([tokens[index]], 1.0, typing)]);
          index += 1;
        }
        const role = this.role(u, inModifier);
        inModifier = inModifier || this.opensModifier(u, found);
        found.push(unit(u.words, u.alternatives, role));
      }
      // a query of only stop words (or only modifiers) looks for those words
      if (found.some((u) => u.role === CONTENT)) return found;
      return found.map((u) => unit(u.words, u.alternatives, CONTENT));
    }

    phraseUnit(tokens, match, typing, whole) {
      const c = this.c;
      const literal = tokens.slice(match.start, match.end);
      const alternatives = [alternative(literal, whole ? c.LITERAL_UNDER_PHRASE : 1.0, typing)];
      match.rule.targets.forEach((target, rank) => {
        const factor = c.SYNONYM_FACTOR - c.SYNONYM_RANK_STEP * Math.min(rank, 5);
        alternatives.push(alternative(target, factor, false));
      });
      return unit(literal, alternatives);
    }

    role(u, inModifier) {
      if (isWord(u) && this.stopwords.has(u.words[0])) return STOP;
      return inModifier ? MODIFIER : CONTENT;
    }

    // A marker word after something the citizen looks for starts a modifier.
    opensModifier(u, before) {
      return isWord(u) && this.markers.has(u.words[0]) && before.some((b) => b.role === CONTENT);
    }
  }

  // -- the word index (village/search/index.py) ---------------------------------------------

  const SHORT_PREFIX = 2; // prefixes this short stay cached for good
  const PREFIX_CACHE_SIZE = 1024; // longer ones: the oldest dropped first
  const DENSE_CACHE_SIZE = 64; // recent query words as whole-corpus vectors
  const NAME = 0; // the class of a posting in a name (1: field, 2: body)

  class WordIndex {
    constructor(data) {
      const c = data.constants;
      this.c = c;
      this.size = data.size;
      this.terms = data.terms; // sorted
      this.termNumber = new Map(this.terms.map((term, n) => [term, n]));
      this.postingTexts = data.postings;
      this.decoded = new Array(this.terms.length); // each term's postings, once needed
      // what a word found nowhere weighs
      this.unknownWeight = Math.log(1.0 + this.size) * c.CLASS_WEIGHTS[NAME];
      this.nameLengths = new Float32Array(data.nameLengths.length ? data.nameLengths : [1]);
      this.namePairs = new Map(); // "word word" -> the procedures with them side by side
      this.neighbours = new Set(); // every two words seen side by side
      for (const [first, second, docs] of data.namePairs) {
        const key = this.terms[first] + " " + this.terms[second];
        this.namePairs.set(key, docs);
        this.neighbours.add(key);
      }
      for (const [first, second] of data.neighboursExtra) this.neighbours.add(first + " " + second);
      const words = [...this.terms, ...data.vocabularyExtra].sort();
      const known = new Set(words);
      this.prefixCache = new Map();
      this.denseCache = new Map();
      // what a query is read against: whole words, starts of words, neighbours, near words
      this.vocabulary = {
        known: (word) => known.has(word),
        knownPrefix: (prefix) => {
          const at = lowerBound(words, prefix);
          return at < words.length && words[at].startsWith(prefix);
        },
        pair: (first, second) => this.neighbours.has(first + " " + second),
        near: (word, typing) => this.near(word, typing),
      };
    }

    // A term's postings: procedure numbers, weights (the class's weight times the term's
    // rarity, as float32) and in-name flags.
    postings(number) {
      let found = this.decoded[number];
      if (found !== undefined) return found;
      const values = decodeNumbers(this.postingTexts[number]);
      const n = values.length;
      const idf = Math.log(1.0 + this.size / n);
      const byClass = this.c.CLASS_WEIGHTS.map((w) => fround(w * idf));
      const ids = new Int32Array(n);
      const weights = new Float32Array(n);
      const names = new Float32Array(n);
      let doc = -1;
      for (let i = 0; i < n; i++) {
        const kind = values[i] % 3;
        doc += (values[i] - kind) / 3 + 1;
        ids[i] = doc;
        weights[i] = byClass[kind];
        names[i] = kind === NAME ? 1 : 0;
      }
      found = { ids, weights, names, idf };
      this.decoded[number] = found;
      return found;
    }

    termPostings(term) {
      const number = this.termNumber.get(term);
      return number === undefined ? null : this.postings(number);
    }

    // Some term starts with `prefix`, of three letters or more (Python's term_prefixes).
    isTermPrefix(prefix) {
      if (prefix.length < this.c.TYPO_PREFIX_MIN) return false;
      const at = lowerBound(this.terms, prefix);
      return at < this.terms.length && this.terms[at].startsWith(prefix);
    }

    isWord(word, typing) {
      return this.termNumber.has(word) || (typing && this.isTermPrefix(word));
    }

    // Every string one deletion, transposition, substitution or insertion away.
    edits1(word) {
      const alphabet = this.c.ALPHABET;
      const out = new Set();
      for (let i = 0; i <= word.length; i++) {
        const a = word.slice(0, i);
        const b = word.slice(i);
        if (b) out.add(a + b.slice(1));
        if (b.length > 1) out.add(a + b[1] + b[0] + b.slice(2));
        for (const letter of alphabet) {
          if (b && letter !== b[0]) out.add(a + letter + b.slice(1));
          out.add(a + letter + b);
        }
      }
      out.delete(word);
      return out;
    }

    // A word of the index (or, being typed, the start of one) is one edit away.
    near(word, typing) {
      if (word.length < this.c.TYPO_MIN_LENGTH) return false;
      for (const e of this.edits1(word)) if (this.isWord(e, typing)) return true;
      return false;
    }

    // The index's words (or starts of words) one edit from `word`, sorted.
    nearWords(word, typing) {
      return [...this.edits1(word)].filter((e) => e.length >= 2 && this.isWord(e, typing)).sort();
    }

    // For each procedure, how many of `pairs` stand side by side in its name.
    pairHits(pairs) {
      const hits = new Float32Array(this.size);
      for (const [first, second] of pairs) {
        const key = first + " " + second;
        let docs = this.namePairs.get(key);
        if (docs === undefined) continue;
        if (typeof docs === "string") {
          docs = decodeDocs(docs);
          this.namePairs.set(key, docs);
        }
        for (const doc of docs) hits[doc] += 1.0;
      }
      return hits;
    }

    // Union of [postings, factor] keeping each procedure's best weight.
    union(parts) {
      if (!parts.length) return null;
      if (parts.length === 1 && parts[0][1] === 1.0) return parts[0][0];
      const best = new Float32Array(this.size);
      const inName = new Float32Array(this.size);
      for (const [postings, factor] of parts) {
        const f = fround(factor);
        for (let k = 0; k < postings.ids.length; k++) {
          const doc = postings.ids[k];
          const weight = fround(postings.weights[k] * f);
          if (weight > best[doc]) best[doc] = weight;
          if (postings.names[k] > inName[doc]) inName[doc] = postings.names[k];
        }
      }
      const ids = [];
      for (let doc = 0; doc < this.size; doc++) if (best[doc] !== 0) ids.push(doc);
      return {
        ids: Int32Array.from(ids),
        weights: Float32Array.from(ids, (doc) => best[doc]),
        names: Float32Array.from(ids, (doc) => inName[doc]),
      };
    }

    // Drop what was cached while typing (benchmarks: as if nobody had typed yet).
    forgetTyped() {
      for (const key of [...this.prefixCache.keys()]) {
        if (key.length > SHORT_PREFIX) this.prefixCache.delete(key);
      }
      this.denseCache.clear();
    }

    // Every word starting with `prefix`, weighted by how much of it is typed; the rarity that
    // counts is the prefix's own (how many procedures have a word starting with it).
    prefix(prefix) {
      if (this.prefixCache.has(prefix)) return this.prefixCache.get(prefix);
      const parts = [];
      for (let at = lowerBound(this.terms, prefix); at < this.terms.length; at++) {
        const term = this.terms[at];
        if (!term.startsWith(prefix)) break;
        const factor =
          term === prefix ? 1.0 : this.c.PREFIX_BASE + (0.25 * prefix.length) / term.length;
        const postings = this.postings(at);
        parts.push([postings, factor / postings.idf]);
      }
      let merged = this.union(parts);
      if (merged !== null) {
        const idf = fround(Math.log(1.0 + this.size / merged.ids.length));
        const weights = merged.weights.map((w) => fround(w * idf));
        merged = { ids: merged.ids, weights, names: merged.names };
      }
      if (prefix.length > SHORT_PREFIX) this.forgetOldPrefix();
      this.prefixCache.set(prefix, merged);
      return merged;
    }

    forgetOldPrefix() {
      let longer = 0;
      let oldest = null;
      for (const key of this.prefixCache.keys()) {
        if (key.length <= SHORT_PREFIX) continue;
        longer++;
        if (oldest === null) oldest = key;
      }
      if (longer >= PREFIX_CACHE_SIZE) this.prefixCache.delete(oldest);
    }

    word(word, typing) {
      const c = this.c;
      const parts = [];
      if (typing) {
        const found = this.prefix(word);
        if (found !== null || word.length < c.TYPO_MIN_LENGTH) return found;
        for (const near of this.nearWords(word, typing).slice(0, 8)) {
          const postings = this.prefix(near);
          if (postings !== null) parts.push([postings, c.TYPO_FACTOR]);
        }
      } else {
        const found = this.termPostings(word);
        if (found !== null || word.length < c.TYPO_MIN_LENGTH) return found;
        for (const near of this.nearWords(word, typing)) {
          parts.push([this.termPostings(near), c.TYPO_FACTOR]);
        }
      }
      return this.union(parts);
    }

    // What one query word matches, as whole-corpus vectors: weights, in-name flags, matched
    // flags, and the best weight (a float32); null when it matches nothing.
    dense(word, typing) {
      const key = (typing ? "+" : "=") + word;
      let found = this.denseCache.get(key);
      if (found !== undefined) {
        this.denseCache.delete(key); // the most recent last
        this.denseCache.set(key, found);
        return found;
      }
      const postings = this.word(word, typing);
      if (postings === null) return null;
      const weights = new Float32Array(this.size);
      const names = new Float32Array(this.size);
      const hits = new Float32Array(this.size);
      let best = -Infinity;
      for (let k = 0; k < postings.ids.length; k++) {
        const doc = postings.ids[k];
        weights[doc] = postings.weights[k];
        names[doc] = postings.names[k];
        hits[doc] = postings.weights[k] > 0 ? 1 : 0;
        if (postings.weights[k] > best) best = postings.weights[k];
      }
      found = { weights, names, hits, best };
      this.denseCache.set(key, found);
      if (this.denseCache.size > DENSE_CACHE_SIZE) {
        this.denseCache.delete(this.denseCache.keys().next().value); // the least recent
      }
      return found;
    }
  }

  // -- codes (village/search/codes.py) ------------------------------------------------------

  const CODE_LIKE = /\p{Nd}[\p{Nd}.]{2,}\p{Nd}|\p{Nd}{3,}/gu; // Python's \d is any decimal digit
  const CODE_CHARS = /[\p{Nd}.-]/u;
  const NOT_DIGIT = /\P{Nd}/gu;

  // Procedures found by their whole code (1.001193, XA-VPHC-01), its start, or its digits.
  class CodeIndex {
    constructor(codes, fold, c) {
      this.c = c;
      this.size = codes.length;
      const folded = codes.map(fold);
      this.digits = folded.map((code) => code.replace(NOT_DIGIT, ""));
      this.index = new Map(folded.map((code, doc) => [code, doc])); // the last one wins
      this.sorted = folded.map((code, doc) => [code, doc]);
      this.sorted.sort((a, b) => compareCodePoints(a[0], b[0]) || a[1] - b[1]);
      this.digitsText = this.digits.join("|"); // searched as one string
      this.digitsStarts = [];
      let offset = 0;
      for (const digits of this.digits) {
        this.digitsStarts.push(offset);
        offset += digits.length + 1;
      }
    }

    // Procedures whose code the query is, starts, or holds the digits of (null: the query
    // looks like no code).
    scores(foldedQuery) {
      const text = foldedQuery.replace(PY_STRIP, "");
      const pieces = text.match(CODE_LIKE) || [];
      const oneWord = !text.includes(" ") && codePointLength(text) >= 3;
      const whole = oneWord && CODE_CHARS.test(text) ? text : "";
      if (!pieces.length && !whole) return null;
      const scores = new Float32Array(this.size);
      if (whole) this.starting(whole, scores);
      for (const piece of pieces) {
        if (this.index.has(piece)) scores[this.index.get(piece)] = this.c.CODE_SCORE * 2;
        this.holding(piece.split(".").join(""), scores);
      }
      return scores;
    }

    starting(whole, scores) {
      let low = 0;
      let high = this.sorted.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (compareCodePoints(this.sorted[mid][0], whole) < 0) low = mid + 1;
        else high = mid;
      }
      const length = codePointLength(whole);
      for (let at = low; at < this.sorted.length; at++) {
        const [code, doc] = this.sorted[at];
        if (!code.startsWith(whole)) break;
        const share = (this.c.CODE_SCORE * length) / codePointLength(code);
        scores[doc] = code === whole ? this.c.CODE_SCORE * 2 : share;
      }
    }

    holding(digits, scores) {
      const length = codePointLength(digits);
      const text = this.digitsText;
      for (let at = text.indexOf(digits); at >= 0; at = text.indexOf(digits, at + 1)) {
        let low = 0;
        let high = this.digitsStarts.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          if (this.digitsStarts[mid] <= at) low = mid + 1;
          else high = mid;
        }
        const doc = low - 1;
        const codeDigits = this.digits[doc];
        const share = length / codePointLength(codeDigits);
        const bonus = codeDigits.endsWith(digits) ? 0.2 : 0.0;
        scores[doc] = Math.max(scores[doc], this.c.CODE_SCORE * (share + bonus));
      }
    }
  }

  // -- the engine (village/search/engine.py) ------------------------------------------------

  // A unit's match with every procedure: strength 0..1, hits (1 where matched), and what
  // the unit weighs in the query (a Python number: float32 or float).
  const unitMatch = (strength, hits, weight) => ({ strength, hits, weight });

  class SearchEngine {
    constructor(data) {
      this.c = data.constants;
      this.size = data.size;
      this.fold = makeFold(data.fold);
      this.docs = data.docs;
      this.codes = data.docs.codes;
      this.index = new WordIndex(data);
      this.reader = new QueryReader(data, this.index.vocabulary, new Synonyms(data.synonyms));
      this.codeIndex = null; // made at the first query that may be a code
      this.zeros = new Float32Array(this.size);
    }

    // Folded words, each cut to MAX_WORD_LENGTH letters.
    words(text) {
      const longest = this.c.MAX_WORD_LENGTH;
      const found = this.fold(text).match(/[a-z0-9]+/g) || [];
      return found.map((w) => (w.length > longest ? w.slice(0, longest) : w));
    }

    // The best matches for what is typed so far, best first (at most `limit`): the
    // procedures matching the whole query, then those matching part of it (partial: true).
    search(query, limit = this.c.MAX_RESULTS) {
      query = firstCodePoints(String(query), this.c.MAX_QUERY_LENGTH);
      let tokens = this.words(query);
      if (!this.size || !tokens.length) return [];
      // the last word is still being typed unless a space follows it
      const lastIsPrefix = !PY_SPACE.test(query[query.length - 1]);
      tokens = this.reader.normalise(tokens, lastIsPrefix);
      const [score, full] = this.score(this.reader.units(tokens, lastIsPrefix));
      const folded = this.fold(query);
      if (this.codeIndex === null && CODE_CHARS.test(folded)) {
        this.codeIndex = new CodeIndex(this.codes, this.fold, this.c);
      }
      const codes = this.codeIndex === null ? null : this.codeIndex.scores(folded);
      if (codes !== null) {
        for (let i = 0; i < this.size; i++) {
          score[i] = fround(score[i] + codes[i]);
          if (codes[i] > 0) full[i] = 1;
        }
      }
      return this.ranked(score, full, limit);
    }

    // -- one unit

    // One wording: the weights of its words over what they could weigh at best.
    alternative(alt) {
      if (alt.words.length === 1) return this.oneWord(alt);
      const size = this.size;
      const total = new Float32Array(size);
      const hitWeight = new Float32Array(size);
      let ideal = 0.0;
      let known = 0.0;
      alt.words.forEach((word, w) => {
        const found = this.index.dense(word, alt.typing && w === alt.words.length - 1);
        if (found === null) {
          ideal += this.index.unknownWeight;
          return;
        }
        for (let i = 0; i < size; i++) {
          total[i] = fround(total[i] + found.weights[i]);
          if (found.hits[i]) hitWeight[i] = fround(hitWeight[i] + found.best);
        }
        ideal += found.best;
        known += found.best;
      });
      const ideal32 = fround(ideal);
      const factor = fround(alt.factor);
      const hitShare = fround(this.c.PHRASE_HIT_SHARE);
      const strength = new Float32Array(size);
      const hits = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        const share = fround(hitWeight[i] / ideal32);
        strength[i] = fround(fround(fround(total[i] / ideal32) * share) * factor);
        hits[i] = share >= hitShare ? 1 : 0;
      }
      return unitMatch(strength, hits, py(known, false));
    }

    // A one-word wording, the same as above in one operation.
    oneWord(alt) {
      const found = this.index.dense(alt.words[0], alt.typing);
      if (found === null) return unitMatch(this.zeros, this.zeros, py(0.0, false));
      const scale = fround(fround(alt.factor) / found.best);
      const strength = new Float32Array(this.size);
      for (let i = 0; i < this.size; i++) strength[i] = fround(found.weights[i] * scale);
      return unitMatch(strength, found.hits, py(found.best, true));
    }

    // A unit matches as its best wording does.
    unit(u) {
      const matches = u.alternatives.map((a) => this.alternative(a));
      let weight = matches[0].weight;
      for (const m of matches.slice(1)) if (pyGreater(m.weight, weight)) weight = m.weight;
      if (weight.value === 0) weight = py(this.index.unknownWeight, false); // found nowhere
      if (matches.length === 1) return unitMatch(matches[0].strength, matches[0].hits, weight);
      const strength = new Float32Array(this.size);
      const hits = new Float32Array(this.size);
      for (const m of matches) {
        for (let i = 0; i < this.size; i++) {
          if (m.strength[i] > strength[i]) strength[i] = m.strength[i];
          if (m.hits[i] > hits[i]) hits[i] = m.hits[i];
        }
      }
      return unitMatch(strength, hits, weight);
    }

    matches(units) {
      const matches = units.map((u) => this.unit(u));
      units.forEach((u, index) => {
        if (!this.isShortUnknown(u)) return;
        const others = matches.filter((m, i) => i !== index && units[i].role === CONTENT);
        const fixed = this.shortTypo(u, others);
        if (fixed !== u) matches[index] = this.unit(fixed);
      });
      return matches;
    }

    isShortUnknown(u) {
      if (!isWord(u) || u.role === STOP) return false;
      if (u.words[0].length !== this.c.SHORT_TYPO_LENGTH) return false;
      return this.index.dense(u.words[0], u.alternatives[0].typing) === null;
    }

    // A three-letter word that matches nothing, read as the one word a letter away that
    // stands in a name with the rest of the query; left alone when none or several do.
    shortTypo(u, others) {
      const typing = u.alternatives[0].typing;
      const strong = fround(this.c.STRONG_MATCH);
      const together = new Uint8Array(this.size).fill(1);
      for (const other of others) {
        for (let i = 0; i < this.size; i++) {
          if (!(other.hits[i] > 0 && other.strength[i] >= strong)) together[i] = 0;
        }
      }
      const near = this.index.nearWords(u.words[0], typing);
      const fitting = near.filter((w) => this.inNames(w, typing, together));
      if (fitting.length !== 1) return u;
      return unit(u.words, [alternative([fitting[0]], this.c.TYPO_FACTOR, typing)], u.role);
    }

    inNames(word, typing, docs) {
      const found = this.index.dense(word, typing);
      if (found === null) return false;
      for (let i = 0; i < this.size; i++) if (docs[i] && found.names[i] > 0) return true;
      return false;
    }

    // -- the whole query

    // Each procedure's match with the query (about 1 for a name made of just its words) and
    // whether it matches what the citizen looks for in full (1) or not (0).
    score(units) {
      const c = this.c;
      const size = this.size;
      const matches = this.matches(units);
      const total = new Float32Array(size);
      let ideal = py(0.0, false);
      units.forEach((u, n) => {
        const match = matches[n];
        const factor = c.ROLE_FACTOR[u.role];
        const weight = match.weight.f32
          ? py(fround(match.weight.value * fround(factor)), true)
          : py(match.weight.value * factor, false);
        const weight32 = fround(weight.value);
        for (let i = 0; i < size; i++) {
          total[i] = fround(total[i] + fround(match.strength[i] * weight32));
        }
        ideal = pyAdd(ideal, weight);
      });
      const required = matches.filter((m, n) => units[n].role === CONTENT);
      const wanted = fround(required.map((m) => m.weight).reduce(pyAdd).value);
      const [full, answered] = this.answered(required, wanted);
      const covered = this.covered(units);
      const proximity = this.proximity(units);
      const ideal32 = fround(Math.max(ideal.value, 1e-6));
      const coverageWeight = fround(c.COVERAGE_WEIGHT);
      const coverageBase = fround(1 - c.COVERAGE_WEIGHT);
      const proximityWeight = fround(c.PROXIMITY_WEIGHT);
      const score = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        const coverage = Math.min(fround(covered[i] / this.index.nameLengths[i]), 1);
        let s = fround(fround(fround(total[i] / ideal32) * answered[i]) * answered[i]);
        s = fround(s * fround(coverageBase + fround(coverageWeight * coverage)));
        score[i] = fround(s * fround(1 + fround(proximityWeight * proximity[i])));
      }
      return [score, full];
    }

    // Whether each procedure matches the required units in full (two or fewer: all of
    // them; more: most of their weight), and how far it answers them (a unit matched in
    // the body only answers less than one matched in the name or field).
    answered(required, wanted) {
      const size = this.size;
      const full = new Uint8Array(size);
      const answered = new Float32Array(size);
      const shared = new Float32Array(size);
      const strong = fround(this.c.STRONG_MATCH);
      const bodyHit = fround(this.c.BODY_HIT);
      const few = required.length <= 2;
      for (const match of required) {
        const weight = fround(match.weight.value);
        for (let i = 0; i < size; i++) {
          const hit = match.hits[i];
          const part = match.strength[i] >= strong ? hit : fround(hit * bodyHit);
          answered[i] = fround(answered[i] + fround(part * weight));
          shared[i] = few ? shared[i] + hit : fround(shared[i] + fround(hit * weight));
        }
      }
      const fullShare = fround(this.c.FULL_SHARE);
      for (let i = 0; i < size; i++) {
        answered[i] = fround(answered[i] / wanted);
        const all = few ? shared[i] >= required.length : fround(shared[i] / wanted) >= fullShare;
        full[i] = all ? 1 : 0;
      }
      return [full, answered];
    }

    // How many words of each name the query's words (in any wording) are.
    covered(units) {
      const covered = new Float32Array(this.size);
      const seen = new Set();
      for (const u of units) {
        if (u.role === STOP) continue;
        for (const alt of u.alternatives) {
          alt.words.forEach((word, w) => {
            const typing = alt.typing && w === alt.words.length - 1;
            const key = (typing ? "+" : "=") + word;
            const found = seen.has(key) ? null : this.index.dense(word, typing);
            seen.add(key);
            if (found !== null) for (let i = 0; i < this.size; i++) covered[i] += found.names[i];
          });
        }
      }
      return covered;
    }

    // Share of the query's neighbouring words that are neighbours in each name.
    proximity(units) {
      const size = this.size;
      const hits = new Float32Array(size);
      let possible = 0;
      let previous = null;
      for (const u of units) {
        if (u.role === STOP) {
          previous = null;
          continue;
        }
        const wordings = u.alternatives.map((a) => a.words).filter((w) => w.length >= 2);
        if (wordings.length) {
          possible += 1;
          const most = new Float32Array(size);
          for (const wording of wordings) {
            const pairs = wording.slice(1).map((second, p) => [wording[p], second]);
            const counts = this.index.pairHits(pairs);
            for (let i = 0; i < size; i++) {
              const share = fround(counts[i] / (wording.length - 1));
              if (share > most[i]) most[i] = share;
            }
          }
          for (let i = 0; i < size; i++) hits[i] = fround(hits[i] + most[i]);
        }
        if (previous !== null) {
          possible += 1;
          const before = previous.words[previous.words.length - 1];
          const side = this.index.pairHits([[before, u.words[0]]]);
          for (let i = 0; i < size; i++) hits[i] = fround(hits[i] + side[i]);
        }
        previous = u;
      }
      const divisor = fround(Math.max(possible, 1));
      for (let i = 0; i < size; i++) hits[i] = fround(hits[i] / divisor);
      return hits;
    }

    // -- ranking

    ranked(score, full, limit) {
      const whole = new Float32Array(this.size);
      const rest = new Float32Array(this.size);
      for (let i = 0; i < this.size; i++) (full[i] ? whole : rest)[i] = score[i];
      const wholeDocs = this.best(whole, limit, null);
      const top = wholeDocs.length ? score[wholeDocs[0]] : null;
      const restDocs = this.best(rest, limit - wholeDocs.length, top);
      const docs = this.docs;
      const hit = (doc, partial) => ({
        code: docs.codes[doc],
        name: docs.names[doc],
        field: docs.fieldNames[docs.fields[doc]],
        path: docs.paths[doc] || "thu-tuc/" + docs.codes[doc].toLowerCase() + ".html",
        score: pyRound(score[doc], 3),
        partial,
      });
      return [...wholeDocs.map((doc) => hit(doc, false)), ...restDocs.map((doc) => hit(doc, true))];
    }

    // The `limit` best procedures scoring over a share of `top` (default: the best), by
    // score rounded to 4 decimals, then shorter names, then code. Where several procedures
    // tie at the cut, NumPy's argpartition keeps any of them (which ones depends on the
    // processor); this keeps those that come first in that order.
    best(score, limit, top) {
      if (limit <= 0) return [];
      let best = 0;
      for (const s of score) if (s > best) best = s;
      if (best <= 0) return [];
      const threshold = fround((top === null ? best : top) * this.c.RELATIVE_CUT);
      const lengths = this.index.nameLengths;
      const codes = this.codes;
      const shorterFirst = (a, b) =>
        lengths[a] - lengths[b] || compareCodePoints(codes[a], codes[b]);
      const before = (a, b) => score[b] - score[a] || shorterFirst(a, b);
      // the `limit` highest scores over the threshold, kept in order as they are found
      const candidates = [];
      for (let i = 0; i < score.length; i++) {
        if (score[i] < threshold) continue;
        if (candidates.length === limit && before(i, candidates[limit - 1]) >= 0) continue;
        let at = candidates.length === limit ? limit - 1 : candidates.length;
        while (at > 0 && before(i, candidates[at - 1]) < 0) {
          candidates[at] = candidates[at - 1];
          at--;
        }
        candidates[at] = i;
      }
      const rounded = new Map(candidates.map((doc) => [doc, pyRound(score[doc], 4)]));
      return candidates.sort((a, b) => rounded.get(b) - rounded.get(a) || shorterFirst(a, b));
    }
  }

  // -- the page ------------------------------------------------------------------------------

  const script = document.currentScript;
  const root = (script && script.getAttribute("data-root")) || "";
  const ANNOUNCE_DELAY_MS = 400; // the count is read out once typing pauses

  const api = {
    SearchEngine, // for tests and benchmarks: an engine on any index
    engine: null,
    texts: null,
    loaded: null, // a promise, once loading has started
    warm: null, // a promise: what one letter typed matches is worked out
    timings: null, // set to [] to record each keystroke's milliseconds (benchmarks)
    load,
    search: (query, limit) => api.engine.search(query, limit),
  };
  window.villageSearch = api;

  // The index is a script that assigns a global (fetch() of a file is refused on file://).
  function load() {
    if (api.loaded === null) {
      api.loaded = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = root + "assets/search-index.js";
        tag.onload = () => {
          const data = window.VILLAGE_SEARCH_INDEX;
          if (!data) return reject(new Error("the search index is empty"));
          api.engine = new SearchEngine(data);
          api.texts = data.texts;
          resolve(api.engine);
          warmUp(api.engine.index);
        };
        tag.onerror = () => reject(new Error("the search index did not load"));
        document.head.appendChild(tag);
      });
    }
    return api.loaded;
  }

  // What one letter typed matches, worked out while the page is idle, a letter at a time
  // (the Python engine works out one and two letters when it is built), so that the first
  // key does not wait for it.
  function warmUp(index) {
    const idle = window.requestIdleCallback || ((run) => window.setTimeout(run, 20));
    const letters = [...new Set(index.terms.map((term) => term[0]))];
    api.warm = new Promise((done) => {
      const next = () => {
        if (!letters.length) return done();
        index.prefix(letters.shift());
        idle(next);
      };
      idle(next);
    });
  }

  // A catalogue text with its {fields} filled in (as text, never as markup).
  const say = (template, values = {}) =>
    Object.entries(values).reduce(
      (text, [key, value]) => text.split("{" + key + "}").join(String(value)),
      template
    );

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function replaceChildren(box, nodes) {
    while (box.firstChild) box.removeChild(box.firstChild);
    for (const node of nodes) box.appendChild(node);
  }

  function resultList(hits) {
    const list = element("ul", "procedures");
    for (const hit of hits) {
      const item = element("li");
      const link = element("a", "", hit.name);
      link.href = root + hit.path;
      item.appendChild(link);
      const code = say(api.texts.code, { code: hit.code });
      const meta = [hit.field, code].filter(Boolean).join(" · ");
      item.appendChild(element("span", "code", meta));
      list.appendChild(item);
    }
    return list;
  }

  // The results as the kiosk's search screen shows them: the full matches, then the
  // partial ones under «Có thể bạn cần…»; a word of help when nothing matches.
  function renderResults(box, hits, query) {
    const texts = api.texts;
    const full = hits.filter((h) => !h.partial);
    const partial = hits.filter((h) => h.partial);
    const nodes = [];
    if (!hits.length) {
      nodes.push(element("p", "none", say(texts.none, { query })));
      nodes.push(element("p", "", texts.noneHelp));
    }
    if (full.length) nodes.push(resultList(full));
    if (partial.length) {
      if (!full.length) nodes.push(element("p", "", say(texts.onlyPartial, { query })));
      nodes.push(element("h2", "partial", texts.partial), resultList(partial));
    }
    replaceChildren(box, nodes);
  }

  function countText(hits, query) {
    const full = hits.filter((h) => !h.partial).length;
    if (full) return say(api.texts.found, { count: full });
    return say(hits.length ? api.texts.onlyPartial : api.texts.none, { query });
  }

  // One search box, where its results go, the live region that tells their count, and
  // (on the search page) the list of fields shown without script.
  class SearchView {
    constructor(input, box, status, fallback) {
      this.input = input;
      this.box = box;
      this.status = status;
      this.fallback = fallback;
      this.timer = 0;
      input.addEventListener("input", (event) => this.update(event.timeStamp));
    }

    update(startedAt) {
      const query = this.input.value;
      const shown = query.trim();
      const t0 = performance.now();
      const hits = shown ? api.search(query) : [];
      const t1 = performance.now();
      if (shown) renderResults(this.box, hits, shown);
      else replaceChildren(this.box, []);
      this.box.hidden = !shown;
      if (this.fallback) this.fallback.hidden = hits.length > 0;
      const t2 = performance.now();
      if (api.timings !== null) {
        const since = startedAt || t0;
        const entry = { query, search: t1 - t0, render: t2 - t1, input: t2 - since, frame: null };
        api.timings.push(entry);
        requestAnimationFrame(() => {
          entry.frame = performance.now() - since; // until the next frame is drawn
        });
      }
      this.announce(shown ? countText(hits, shown) : "");
    }

    // The live region is told the count once typing pauses, not at every key.
    announce(text) {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => {
        this.status.textContent = text;
      }, ANNOUNCE_DELAY_MS);
    }
  }

  // The search page: results for ?q= at once, then as the citizen types.
  function searchPage(form, input) {
    const query = new URLSearchParams(window.location.search).get("q") || "";
    if (query && !input.value) input.value = query;
    load().then(() => {
      const box = document.getElementById("ket-qua");
      const status = document.getElementById("so-ket-qua");
      const view = new SearchView(input, box, status, document.getElementById("tim-theo-linh-vuc"));
      form.addEventListener("submit", (event) => {
        event.preventDefault(); // the results are on this page already
        view.update();
      });
      view.update();
    });
  }

  // Any other page: the results show under the header's box; the index loads when the box
  // first gets the focus.
  function otherPage(form, input) {
    const status = element("p", "sr");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const box = element("div", "suggest");
    box.id = "goi-y";
    box.hidden = true;
    form.append(status, box);
    const start = () =>
      load().then(() => {
        const view = new SearchView(input, box, status, null);
        if (input.value.trim()) view.update();
      });
    input.addEventListener("focus", start, { once: true });
  }

  function start() {
    const form = document.querySelector("form[role=search]");
    const input = form && form.querySelector("input[name=q]");
    if (!input) return;
    if (document.getElementById("ket-qua")) searchPage(form, input);
    else otherPage(form, input);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
