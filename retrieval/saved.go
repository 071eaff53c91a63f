package retrieval

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"sync"

	"storybot/corpus"
)

// AnalysisVersion names the analysis that builds an index: how the corpus
// is read and split (package corpus), how its words are analyzed and
// indexed (analyze.go, build.go, index.go), what every sentence is found
// to hold (tags.go), who it refers to (mentions.go, anaphora.go), the
// aliases learnt, and what a saved index keeps of all that (the sections
// below). It is part of a saved index's [Key], so that an index saved by a
// program that analyzes differently is never loaded.
//
// Add one to it with every change that makes an index built from the same
// files hold something else, and with every change to the sections.
// TestAnalysisVersion fails when the saved form of its test corpora
// changes while AnalysisVersion stays (go test ./retrieval -run
// TestAnalysisVersion -update-analysis records the new form once it is
// bumped).
// Ranking that reads the index at query time (search.go, the Params) is
// not saved, and needs no new version.
const AnalysisVersion = 29

// FormatVersion is the layout of a saved index's file: header, framing of
// the sections and trailer. What the sections hold is [AnalysisVersion]'s.
const FormatVersion = 1

var (
	// ErrStale reports a saved index made by another format or analysis
	// version, or from other files: it must be rebuilt.
	ErrStale = errors.New("saved index is stale")
	// ErrCorrupt reports a file that is not a whole saved index: not one
	// at all, truncated, with a checksum that does not match, or contents
	// that do not hold together.
	ErrCorrupt = errors.New("saved index is corrupt")
)

// Key identifies what a saved index was built from: the corpus's files and
// the analysis (see [KeyOf]).
type Key [32]byte

// KeyOf returns the key of an index built by this program from the corpus
// whose files have the digest given ([corpus.Digest]): a SHA-256 of the
// digest, [FormatVersion] and [AnalysisVersion].
func KeyOf(digest [32]byte) Key {
	h := sha256.New()
	fmt.Fprintf(h, "storybot index key\nformat %d\nanalysis %d\n", FormatVersion, AnalysisVersion)
	h.Write(digest[:])
	var k Key
	h.Sum(k[:0])
	return k
}

// String returns the key in hexadecimal.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// A saved index is one file, all integers little-endian:
//
//	header   magic "\x89SBI\r\n\x1a\n", format u32, analysis u32, key [32]byte
//	section  tag [4]byte, length u64, payload   (corpusSections, then indexSections)
//	trailer  "END\x00", file length u64, CRC-32C (Castagnoli) u32 of all bytes before it
//
// Payloads are flat arrays of fixed-width integers, and strings as a count,
// their lengths and one blob of their bytes, so that loading is a few
// passes over memory. Counts of per-sentence and per-term arrays are not
// repeated: they are the corpus's sentences (SENT) and the terms (TERM).
//
// To add a field to the index, say the answer candidates found at build
// time (per sentence an offset into one list of records):
//
//  1. add a section to indexSections, after those it depends on, with a
//     save function that writes the field with the put helpers (putI32s
//     for an []int32, putRagged for a [][]int32, e.u8, e.i32… for each
//     field of a record) and a load function that reads it back with the
//     get helpers (getI32s(d, l.nSent+1), d.count(size) for a count read
//     from the file), checks what it refers to (sentences below l.nSent,
//     terms below len(l.ix.terms)) and calls d.failf otherwise;
//  2. add one to AnalysisVersion, so that files without the section are
//     built again, and record the new form with go test ./retrieval -run
//     TestAnalysisVersion -update-analysis;
//  3. name the field in savedFields in saved_test.go, and compare it in
//     diffIndexes.
//
// A field derived from others is set in [Index.rebuild] instead (and
// named in rebuiltFields); a cache filled at query time stays out of the
// file (lazyFields). TestSavedFields fails for a field of [Index] in no
// list, and TestSaveLoad for one that does not come back the same.
const (
	savedMagic  = "\x89SBI\r\n\x1a\n"
	headerSize  = len(savedMagic) + 4 + 4 + len(Key{})
	trailerTag  = "END\x00"
	trailerSize = 4 + 8 + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// section is one part of a saved index.
type section struct {
	tag  string // four bytes
	save func(e *encoder, s *saving)
	load func(d *decoder, l *loading)
}

// corpusSections and indexSections are the parts of a saved index, in
// file order: the corpus, then the index. Load decodes the two lists
// concurrently, each in order; an index section may use the number of
// sentences (loading.nSent) but nothing else of the corpus. Derived state
// (vocab, df, sentence lengths, paragraphs and documents, the average
// length, negations, synonyms) is rebuilt by Load.
var (
	corpusSections = []section{
		{"DOCS", saveDocs, loadDocs},
		{"TEXT", saveText, loadText},
		{"PARA", saveParas, loadParas},
		{"SENT", saveSents, loadSents},
		{"FILE", saveFileList, loadFileList},
	}
	indexSections = []section{
		{"TERM", func(e *encoder, s *saving) { putStrings(e, s.ix.terms) }, loadTerms},
		{"SORT", func(e *encoder, s *saving) { putI32s(e, s.sortedPerm) }, loadSorted},
		{"NAME", saveInNames, loadInNames},
		{"POST", savePostings, loadPostings},
		{"STRM", func(e *encoder, s *saving) { putRagged(e, s.ix.sentTerms) }, loadSentTerms},
		{"SFLG", saveSentFlags, loadSentFlags},
		{"ANAP", func(e *encoder, s *saving) { putU8s(e, s.ix.anaphoric) }, loadAnaphoric},
		{"HOLD", func(e *encoder, s *saving) { putU16s(e, s.ix.holds) }, loadHolds},
		{"TIEK", func(e *encoder, s *saving) { putU64s(e, s.ix.tieKey) }, loadTieKeys},
		{"STEM", saveStems, loadStems},
		{"ALIA", saveAliases, loadAliases},
		{"PERS", savePersons, loadPersons},
		{"PLAC", savePlaces, loadPlaces},
		{"RSLV", func(e *encoder, s *saving) { putRagged(e, s.ix.resolved) }, loadResolved},
		{"WORD", func(e *encoder, s *saving) { e.u64(uint64(s.ix.words)) }, loadWords},
		{"CAND", saveCands, loadCands},
		{"AGES", saveStated, loadStated},
	}
)

// Save writes ix and its corpus to w as a saved index under key, for
// [Load], in one pass. The ranking [Params] are not saved: they are read
// at query time, and a loaded index has [DefaultParams] until
// [Index.SetParams].
func Save(w io.Writer, ix *Index, key Key) error {
	e := &encoder{w: w, buf: make([]byte, 0, 1<<16)}
	e.bytes([]byte(savedMagic))
	e.u32(FormatVersion)
	e.u32(AnalysisVersion)
	e.bytes(key[:])
	s := newSaving(ix)
	for _, sec := range slices.Concat(corpusSections, indexSections) {
		e.section(sec.tag, func() { sec.save(e, s) })
	}
	e.bytes([]byte(trailerTag))
	e.u64(uint64(e.n) + 8 + 4)
	e.flush()
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], e.crc)
	if e.err == nil {
		_, e.err = w.Write(sum[:])
	}
	if e.err != nil {
		return fmt.Errorf("save index: %w", e.err)
	}
	return nil
}

// Load reads an index saved by [Save] under key, with [DefaultParams]. It
// returns an error wrapping [ErrStale] for a file of another format or
// analysis version or another key, and [ErrCorrupt] for anything else
// that is not a whole saved index; it never trusts a length it reads
// beyond the size of data. The index and its corpus do not keep data.
func Load(data []byte, key Key) (*Index, error) { return load(data, key, false) }

// LoadFile is [Load] of the file at path, which it maps into memory
// where it can rather than read (on Linux), and releases before it
// returns. A missing file is an error wrapping [fs.ErrNotExist].
func LoadFile(path string, key Key) (*Index, error) {
	data, release, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	defer release()
	return load(data, key, true)
}

// load is Load; mapped data may fault if the file shrinks under it, which
// then counts as corrupt.
func load(data []byte, key Key, mapped bool) (ix *Index, err error) {
	if mapped {
		defer faultGuard(&err)()
	}
	if len(data) < headerSize+trailerSize || string(data[:len(savedMagic)]) != savedMagic {
		if len(data) < headerSize+trailerSize && bytes.HasPrefix([]byte(savedMagic), data[:min(len(data), len(savedMagic))]) {
			return nil, fmt.Errorf("%w: truncated to %d bytes", ErrCorrupt, len(data))
		}
		return nil, fmt.Errorf("%w: not a saved index", ErrCorrupt)
	}
	le := binary.LittleEndian
	format, analysis := le.Uint32(data[8:]), le.Uint32(data[12:])
	if format != FormatVersion || analysis != AnalysisVersion {
		return nil, fmt.Errorf("%w: format %d, analysis %d; this program reads format %d, analysis %d",
			ErrStale, format, analysis, FormatVersion, AnalysisVersion)
	}
	if Key(data[16:headerSize]) != key {
		return nil, fmt.Errorf("%w: saved from other files", ErrStale)
	}
	end := len(data) - trailerSize
	if string(data[end:end+4]) != trailerTag || le.Uint64(data[end+4:]) != uint64(len(data)) {
		return nil, fmt.Errorf("%w: truncated or extended (%d bytes)", ErrCorrupt, len(data))
	}
	// The checksum is computed while the sections are decoded, the corpus
	// and the index at the same time; a decoder trusts nothing it reads,
	// and nothing decoded is returned unless the checksum holds.
	var crcOK bool
	var wg sync.WaitGroup
	wg.Go(func() {
		if mapped {
			defer faultGuard(new(error))()
		}
		crcOK = crc32.Checksum(data[:len(data)-4], castagnoli) == le.Uint32(data[len(data)-4:])
	})
	payloads, err := frame(data[headerSize:end])
	if err != nil {
		wg.Wait()
		return nil, checksumFirst(crcOK, err)
	}
	l := &loading{ix: &Index{stem: &stemmer{}, params: DefaultParams}, c: &corpus.Corpus{}}
	l.ix.corpus = l.c
	if sent := payloads[slices.IndexFunc(corpusSections, func(s section) bool { return s.tag == "SENT" })]; len(sent) >= 4 {
		l.nSent = int(le.Uint32(sent))
	}
	var indexErr error
	wg.Go(func() {
		if mapped {
			defer faultGuard(&indexErr)()
		}
		indexErr = decodeSections(indexSections, payloads[len(corpusSections):], l)
	})
	err = decodeSections(corpusSections, payloads[:len(corpusSections)], l)
	if err == nil {
		err = checkCorpus(l.c)
	}
	wg.Wait()
	if err == nil {
		err = indexErr
	}
	if err == nil {
		err = checkCands(l.ix, l.c)
	}
	if err != nil || !crcOK {
		return nil, checksumFirst(crcOK, err)
	}
	l.ix.rebuild()
	return l.ix, nil
}

// checksumFirst reports a checksum that does not match rather than what
// decoding the damaged bytes found.
func checksumFirst(crcOK bool, err error) error {
	if !crcOK {
		return fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return err
}

// frame splits the sections of a saved index, checking their tags and
// lengths, and returns their payloads.
func frame(b []byte) ([][]byte, error) {
	rest := &decoder{b: b, tag: "framing"}
	var payloads [][]byte
	for _, sec := range slices.Concat(corpusSections, indexSections) {
		tag := rest.take(4)
		size := rest.u64()
		if rest.err != nil {
			return nil, rest.err
		}
		if string(tag) != sec.tag {
			return nil, fmt.Errorf("%w: section %q where %q belongs", ErrCorrupt, tag, sec.tag)
		}
		payloads = append(payloads, rest.take64(size))
		if rest.err != nil {
			return nil, rest.err
		}
	}
	if len(rest.b) > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last section", ErrCorrupt, len(rest.b))
	}
	return payloads, nil
}

// decodeSections decodes the payloads of secs, in order, into l.
func decodeSections(secs []section, payloads [][]byte, l *loading) error {
	for i, sec := range secs {
		d := &decoder{b: payloads[i], tag: sec.tag}
		sec.load(d, l)
		if d.err == nil && len(d.b) > 0 {
			d.failf("%d bytes left over", len(d.b))
		}
		if d.err != nil {
			return d.err
		}
	}
	return nil
}

// faultGuard makes a memory fault in the calling goroutine (reading a
// mapped file cut short while it was read) a panic, and returns the
// function to defer that turns it into an error wrapping ErrCorrupt:
// defer faultGuard(&err)(). Other panics go on.
func faultGuard(err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			*err = fmt.Errorf("%w: the file changed while it was read: %v", ErrCorrupt, r)
		}
	}
}

// rebuild sets the state derived from what a saved index holds, as
// [NewIndexParams] leaves it.
func (ix *Index) rebuild() {
	c := ix.corpus
	n := len(c.Sentences)
	ix.vocab = make(map[string]int32, len(ix.terms))
	for id, t := range ix.terms {
		ix.vocab[t] = int32(id)
	}
	ix.df = make([]int32, len(ix.terms))
	for id, ps := range ix.postings {
		ix.df[id] = int32(len(ps))
	}
	ix.sentLen = make([]float32, n)
	ix.sentPara = make([]int32, n)
	ix.sentDoc = make([]int32, n)
	total := 0
	for si, s := range c.Sentences {
		total += len(ix.sentTerms[si])
		ix.sentLen[si] = float32(len(ix.sentTerms[si]))
		ix.sentPara[si] = int32(s.Para)
		ix.sentDoc[si] = int32(c.Paragraphs[s.Para].Doc)
	}
	if n > 0 {
		ix.avgLen = float64(total) / float64(n)
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.long = longness(ix.words, ix.params.BookWords)
	ix.book = readsAsBook(ix.corpus, ix.long, ix.words)
	ix.blocks = searchBlocks(ix.sentDoc, searchBlock)
	ix.stem.frozen = true
	for w := range negations {
		if id, ok := ix.vocab[ix.stem.stem(w)]; ok {
			ix.negIDs = append(ix.negIDs, id)
		}
	}
	slices.Sort(ix.negIDs)
	ix.synonyms = synonymTable(ix.stem)
}

// saving is what Save computes once for the sections.
type saving struct {
	ix *Index
	c  *corpus.Corpus
	// sectionNames are the distinct paragraph section headings, and
	// sectionOf each paragraph's index in them.
	sectionNames []string
	sectionOf    []int32
	// extra are the sentences whose text is not their paragraph's text
	// from Start to End, stored after the paragraphs' texts.
	extra []int
	// sortedPerm gives ix.sorted as term IDs.
	sortedPerm []int32
}

func newSaving(ix *Index) *saving {
	c := ix.corpus
	s := &saving{ix: ix, c: c, sectionOf: make([]int32, len(c.Paragraphs))}
	seen := map[string]int32{}
	for i, p := range c.Paragraphs {
		k, ok := seen[p.Section]
		if !ok {
			k = int32(len(s.sectionNames))
			seen[p.Section] = k
			s.sectionNames = append(s.sectionNames, p.Section)
		}
		s.sectionOf[i] = k
	}
	for i, st := range c.Sentences {
		p := c.Paragraphs[st.Para].Text
		if st.Start < 0 || st.Start > st.End || st.End > len(p) || p[st.Start:st.End] != st.Text {
			s.extra = append(s.extra, i)
		}
	}
	s.sortedPerm = make([]int32, len(ix.terms))
	for i := range s.sortedPerm {
		s.sortedPerm[i] = int32(i)
	}
	sort.Slice(s.sortedPerm, func(a, b int) bool { return ix.terms[s.sortedPerm[a]] < ix.terms[s.sortedPerm[b]] })
	return s
}

// loading is an index and corpus being read.
type loading struct {
	ix    *Index
	c     *corpus.Corpus
	nSent int    // the number of sentences, as SENT gives it
	text  string // the TEXT section
}

func saveDocs(e *encoder, s *saving) {
	e.u32(uint32(len(s.c.Docs)))
	for _, d := range s.c.Docs {
		e.str(d.ID)
		e.str(d.Title)
		e.str(d.Author)
		e.str(d.Kind)
		e.str(d.Path)
		e.i32(int32(d.FirstParagraph))
		e.i32(int32(d.ParagraphCount))
		e.u32(uint32(len(d.Chapters)))
		for _, ch := range d.Chapters {
			e.str(ch.Heading)
			e.str(ch.Kind)
			e.str(ch.Number)
			e.str(ch.Name)
			e.str(ch.Label)
			e.i32(int32(ch.Parent))
			e.i32(int32(ch.Depth))
			e.i32(int32(ch.FirstParagraph))
			e.i32(int32(ch.ParagraphCount))
		}
	}
}

func loadDocs(d *decoder, l *loading) {
	n := d.count(5*4 + 3*4)
	if n > 0 {
		l.c.Docs = make([]corpus.Document, n)
	}
	for i := range l.c.Docs {
		doc := &l.c.Docs[i]
		doc.ID, doc.Title, doc.Author, doc.Kind, doc.Path = d.str(), d.str(), d.str(), d.str(), d.str()
		doc.FirstParagraph, doc.ParagraphCount = int(d.i32()), int(d.i32())
		if k := d.count(5*4 + 4*4); k > 0 {
			doc.Chapters = make([]corpus.Chapter, k)
		}
		for j := range doc.Chapters {
			ch := &doc.Chapters[j]
			ch.Heading, ch.Kind, ch.Number, ch.Name, ch.Label = d.str(), d.str(), d.str(), d.str(), d.str()
			ch.Parent, ch.Depth, ch.FirstParagraph, ch.ParagraphCount = int(d.i32()), int(d.i32()), int(d.i32()), int(d.i32())
		}
		if d.err != nil {
			return
		}
	}
}

// saveText writes the paragraphs' texts, then the texts of the sentences
// that are not slices of them.
func saveText(e *encoder, s *saving) {
	for _, p := range s.c.Paragraphs {
		e.str0(p.Text)
	}
	for _, i := range s.extra {
		e.str0(s.c.Sentences[i].Text)
	}
}

func loadText(d *decoder, l *loading) { l.text = string(d.take(len(d.b))) }

func saveParas(e *encoder, s *saving) {
	putStrings(e, s.sectionNames)
	e.u32(uint32(len(s.c.Paragraphs)))
	for i, p := range s.c.Paragraphs {
		e.i32(int32(p.Doc))
		e.i32(int32(p.N))
		e.i32(s.sectionOf[i])
		e.u32(uint32(len(p.Text)))
		e.i32(int32(p.FirstSentence))
		e.i32(int32(p.SentenceCount))
		e.i32(int32(p.Chapter))
	}
}

func loadParas(d *decoder, l *loading) {
	names := getStrings(d)
	n := d.count(7 * 4)
	if d.err != nil {
		return
	}
	if n > 0 {
		l.c.Paragraphs = make([]corpus.Paragraph, n)
	}
	off := 0
	for i := range l.c.Paragraphs {
		p := &l.c.Paragraphs[i]
		p.Doc, p.N = int(d.i32()), int(d.i32())
		k, size := d.i32(), int(d.u32())
		p.FirstSentence, p.SentenceCount, p.Chapter = int(d.i32()), int(d.i32()), int(d.i32())
		if k < 0 || int(k) >= len(names) || size > len(l.text)-off {
			d.failf("paragraph %d: section %d of %d, or text past the end", i, k, len(names))
			return
		}
		p.Section, p.Text = names[k], l.text[off:off+size]
		off += size
	}
	l.text = l.text[off:] // the texts of the extra sentences
}

func saveSents(e *encoder, s *saving) {
	e.u32(uint32(len(s.c.Sentences)))
	for _, st := range s.c.Sentences {
		e.i32(int32(st.Para))
		e.i32(int32(st.N))
		e.i32(int32(st.Start))
		e.i32(int32(st.End))
	}
	e.u32(uint32(len(s.extra)))
	for _, i := range s.extra {
		e.u32(uint32(i))
		e.u32(uint32(len(s.c.Sentences[i].Text)))
	}
}

func loadSents(d *decoder, l *loading) {
	n := d.count(4 * 4)
	if d.err != nil {
		return
	}
	if n != l.nSent {
		d.failf("%d sentences, %d counted", n, l.nSent)
		return
	}
	if n > 0 {
		l.c.Sentences = make([]corpus.Sentence, n)
	}
	body := d.take(16 * n)
	extra := d.count(8)
	if d.err != nil {
		return
	}
	isExtra := map[int]int{}
	for range extra {
		i, size := int(d.u32()), int(d.u32())
		if i >= n || size > len(l.text) {
			d.failf("sentence %d of %d, or text past the end", i, n)
			return
		}
		isExtra[i] = size
	}
	le := binary.LittleEndian
	paras := l.c.Paragraphs
	for i := range l.c.Sentences {
		s := &l.c.Sentences[i]
		b := body[16*i : 16*i+16]
		s.Para, s.N = int(int32(le.Uint32(b))), int(int32(le.Uint32(b[4:])))
		s.Start, s.End = int(int32(le.Uint32(b[8:]))), int(int32(le.Uint32(b[12:])))
		if size, ok := isExtra[i]; ok {
			if size > len(l.text) {
				d.failf("sentence %d: text past the end", i)
				return
			}
			s.Text, l.text = l.text[:size], l.text[size:]
			continue
		}
		if s.Para < 0 || s.Para >= len(paras) || s.Start < 0 || s.Start > s.End || s.End > len(paras[s.Para].Text) {
			d.failf("sentence %d: paragraph %d of %d, bytes %d to %d", i, s.Para, len(paras), s.Start, s.End)
			return
		}
		s.Text = paras[s.Para].Text[s.Start:s.End]
	}
	if len(l.text) > 0 {
		d.failf("%d bytes of text left over", len(l.text))
	}
}

func saveFileList(e *encoder, s *saving) {
	e.u32(uint32(len(s.c.Skipped)))
	for _, f := range s.c.Skipped {
		e.str(f.Path)
		e.str(f.Reason)
	}
	e.u32(uint32(len(s.c.Warnings)))
	for _, w := range s.c.Warnings {
		e.str(w.Path)
		e.str(w.Message)
	}
	e.u64(uint64(s.c.Bytes))
}

func loadFileList(d *decoder, l *loading) {
	if n := d.count(8); n > 0 {
		l.c.Skipped = make([]corpus.Skipped, n)
		for i := range l.c.Skipped {
			l.c.Skipped[i] = corpus.Skipped{Path: d.str(), Reason: d.str()}
		}
	}
	if n := d.count(8); n > 0 {
		l.c.Warnings = make([]corpus.Warning, n)
		for i := range l.c.Warnings {
			l.c.Warnings[i] = corpus.Warning{Path: d.str(), Message: d.str()}
		}
	}
	l.c.Bytes = int64(d.u64())
}

func loadTerms(d *decoder, l *loading) {
	l.ix.terms = getStrings(d)
	seen := make(map[string]bool, len(l.ix.terms))
	for _, t := range l.ix.terms {
		if seen[t] {
			d.failf("term %q twice", t)
			return
		}
		seen[t] = true
	}
}

func loadSorted(d *decoder, l *loading) {
	perm := getI32s(d, len(l.ix.terms))
	if d.err != nil {
		return
	}
	seen := make([]bool, len(perm))
	l.ix.sorted = make([]string, len(perm))
	for i, id := range perm {
		if id < 0 || int(id) >= len(perm) || seen[id] {
			d.failf("not a permutation of the terms")
			return
		}
		seen[id] = true
		l.ix.sorted[i] = l.ix.terms[id]
	}
}

func saveInNames(e *encoder, s *saving) {
	for _, b := range s.ix.inNames {
		e.bool(b)
	}
}

func loadInNames(d *decoder, l *loading) {
	b := d.take(len(l.ix.terms))
	l.ix.inNames = make([]bool, len(b))
	for i, x := range b {
		l.ix.inNames[i] = x != 0
	}
}

// savePostings writes each term's posting count, then every posting.
func savePostings(e *encoder, s *saving) {
	for _, ps := range s.ix.postings {
		e.u32(uint32(len(ps)))
	}
	for _, ps := range s.ix.postings {
		for _, p := range ps {
			e.i32(p.sent)
			e.u16(p.tf)
			e.bool(p.common)
		}
	}
}

func loadPostings(d *decoder, l *loading) {
	counts, total := getCounts(d, len(l.ix.terms), 7)
	body := d.take(7 * total)
	if d.err != nil {
		return
	}
	n := int32(l.nSent)
	le := binary.LittleEndian
	flat := make([]posting, total)
	l.ix.postings = make([][]posting, len(counts))
	at := 0
	for id, k := range counts {
		if k == 0 {
			continue
		}
		ps := flat[at : at+k : at+k]
		last := int32(0) // in order; aliases may post a sentence twice
		for j := range ps {
			b := body[7*(at+j) : 7*(at+j)+7]
			ps[j] = posting{sent: int32(le.Uint32(b)), tf: le.Uint16(b[4:]), common: b[6] != 0}
			if ps[j].sent < last || ps[j].sent >= n || ps[j].tf == 0 {
				d.failf("term %d: posting %d of sentence %d", id, j, ps[j].sent)
				return
			}
			last = ps[j].sent
		}
		l.ix.postings[id] = ps
		at += k
	}
}

func loadSentTerms(d *decoder, l *loading) {
	l.ix.sentTerms = getRagged(d, l.nSent, false)
	nTerms := int32(len(l.ix.terms))
	for si, ids := range l.ix.sentTerms {
		for _, id := range ids {
			if id < 0 || id >= nTerms {
				d.failf("sentence %d: term %d of %d", si, id, nTerms)
				return
			}
		}
	}
}

// saveSentFlags writes the flags of every sentence's terms, whose counts
// are those of STRM.
func saveSentFlags(e *encoder, s *saving) {
	for _, f := range s.ix.sentFlags {
		e.bytes(f)
	}
}

func loadSentFlags(d *decoder, l *loading) {
	total := 0
	for _, t := range l.ix.sentTerms {
		total += len(t)
	}
	flat := slices.Clone(d.take(total))
	if d.err != nil {
		return
	}
	if flat == nil {
		flat = []uint8{}
	}
	l.ix.sentFlags = make([][]uint8, len(l.ix.sentTerms))
	at := 0
	for si, t := range l.ix.sentTerms {
		l.ix.sentFlags[si] = flat[at : at+len(t) : at+len(t)]
		at += len(t)
	}
}

func loadAnaphoric(d *decoder, l *loading) {
	l.ix.anaphoric = slices.Clone(d.take(l.nSent))
	if l.ix.anaphoric == nil {
		l.ix.anaphoric = []uint8{}
	}
}

func loadHolds(d *decoder, l *loading) { l.ix.holds = getU16s[hold](d, l.nSent) }

func loadTieKeys(d *decoder, l *loading) { l.ix.tieKey = getU64s(d, l.nSent) }

// saveStems writes the stemmer's cache, in order of the words.
func saveStems(e *encoder, s *saving) {
	words := make([]string, 0, len(s.ix.stem.cache))
	for w := range s.ix.stem.cache {
		words = append(words, w)
	}
	sort.Strings(words)
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = s.ix.stem.cache[w]
	}
	putStrings(e, words)
	putStrings(e, stems)
}

func loadStems(d *decoder, l *loading) {
	words, stems := getStrings(d), getStrings(d)
	if d.err != nil {
		return
	}
	if len(words) != len(stems) {
		d.failf("%d words and %d stems", len(words), len(stems))
		return
	}
	l.ix.stem.cache = make(map[string]string, len(words))
	for i, w := range words {
		l.ix.stem.cache[w] = stems[i]
	}
}

// saveAliases writes the names in order, the count of each one's phrases
// and the phrases.
func saveAliases(e *encoder, s *saving) {
	names := make([]string, 0, len(s.ix.aliases))
	for n := range s.ix.aliases {
		names = append(names, n)
	}
	sort.Strings(names)
	var phrases []string
	for _, n := range names {
		phrases = append(phrases, s.ix.aliases[n]...)
	}
	putStrings(e, names)
	for _, n := range names {
		e.u32(uint32(len(s.ix.aliases[n])))
	}
	putStrings(e, phrases)
}

func loadAliases(d *decoder, l *loading) {
	names := getStrings(d)
	counts, total := getCounts(d, len(names), 0)
	phrases := getStrings(d)
	if d.err != nil {
		return
	}
	if total != len(phrases) {
		d.failf("%d phrases, %d counted", len(phrases), total)
		return
	}
	l.ix.aliases = make(map[string][]string, len(names))
	for i, n := range names {
		l.ix.aliases[n], phrases = phrases[:counts[i]:counts[i]], phrases[counts[i]:]
	}
}

// savePersons writes the person terms in order, then their genders.
func savePersons(e *encoder, s *saving) {
	ids := make([]int32, 0, len(s.ix.persons))
	for id := range s.ix.persons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	e.u32(uint32(len(ids)))
	putI32s(e, ids)
	for _, id := range ids {
		e.u8(s.ix.persons[id])
	}
}

func loadPersons(d *decoder, l *loading) {
	n := d.count(5)
	ids := getI32s(d, n)
	genders := d.take(n)
	if d.err != nil {
		return
	}
	l.ix.persons = make(map[int32]uint8, n)
	for i, id := range ids {
		if id < 0 || int(id) >= len(l.ix.terms) {
			d.failf("person term %d of %d", id, len(l.ix.terms))
			return
		}
		l.ix.persons[id] = genders[i]
	}
}

func savePlaces(e *encoder, s *saving) { putIDs(e, s.ix.places) }

func loadPlaces(d *decoder, l *loading) { l.ix.places = getIDs(d, len(l.ix.terms), "place term") }

func saveStated(e *encoder, s *saving) { putIDs(e, s.ix.stated) }

func loadStated(d *decoder, l *loading) { l.ix.stated = getIDs(d, l.nSent, "stated age sentence") }

// putIDs writes a sorted list of IDs with its length, for [getIDs].
func putIDs(e *encoder, ids []int32) {
	e.u32(uint32(len(ids)))
	putI32s(e, ids)
}

// getIDs reads a list of IDs [putIDs] wrote, each below n and after the
// one before; nil, as built, when it is empty. what names them in an
// error.
func getIDs(d *decoder, n int, what string) []int32 {
	ids := getI32s(d, d.count(4))
	if len(ids) == 0 {
		return nil
	}
	for i, id := range ids {
		if id < 0 || int(id) >= n || i > 0 && id <= ids[i-1] {
			d.failf("%s %d of %d, out of order or range", what, id, n)
			return ids
		}
	}
	return ids
}

func loadResolved(d *decoder, l *loading) {
	l.ix.resolved = getRagged(d, len(l.ix.terms), true)
	n := int32(l.nSent)
	for id, ss := range l.ix.resolved {
		last := int32(-1)
		for _, s := range ss {
			if s <= last || s >= n {
				d.failf("term %d: resolved sentence %d of %d", id, s, n)
				return
			}
			last = s
		}
	}
}

func loadWords(d *decoder, l *loading) {
	w := d.u64()
	if w > 1<<40 {
		d.failf("%d words", w)
	}
	l.ix.words = int(w)
}

// candidateSize is the bytes of one saved candidate.
const candidateSize = 5*4 + 2

// saveCands writes the answer candidates found at build time: each
// sentence's first candidate, the candidates, and their terms.
func saveCands(e *encoder, s *saving) {
	c := s.ix.cands
	putI32s(e, c.off)
	e.u32(uint32(len(c.list)))
	for _, x := range c.list {
		e.i32(x.start)
		e.i32(x.end)
		e.i32(x.first)
		e.i32(x.last)
		e.i32(x.termOff)
		e.u8(x.nTerms)
		e.u8(uint8(x.kind))
	}
	e.u32(uint32(len(c.terms)))
	putI32s(e, c.terms)
}

func loadCands(d *decoder, l *loading) {
	off := getI32s(d, l.nSent+1)
	n := d.count(candidateSize)
	b := d.take(candidateSize * n)
	terms := getI32s(d, d.count(4))
	if d.err != nil {
		return
	}
	if off[0] != 0 || int(off[l.nSent]) != n {
		d.failf("candidate offsets %d to %d for %d candidates", off[0], off[l.nSent], n)
		return
	}
	for i := 1; i <= l.nSent; i++ {
		if off[i] < off[i-1] {
			d.failf("candidate offsets of sentence %d go back", i-1)
			return
		}
	}
	le := binary.LittleEndian
	list := make([]candidate, n)
	for i := range list {
		p := b[candidateSize*i:]
		c := candidate{start: int32(le.Uint32(p)), end: int32(le.Uint32(p[4:])), first: int32(le.Uint32(p[8:])),
			last: int32(le.Uint32(p[12:])), termOff: int32(le.Uint32(p[16:])), nTerms: p[20], kind: kind(p[21])}
		if c.start < 0 || c.end < c.start || c.first < -1 || c.last < c.first || int(c.kind) >= len(kindTable) ||
			c.termOff < 0 || int(c.termOff)+int(c.nTerms) > len(terms) {
			d.failf("candidate %d: %+v", i, c)
			return
		}
		list[i] = c
	}
	for i, t := range terms {
		if t < 0 || int(t) >= len(l.ix.terms) {
			d.failf("candidate term %d: %d of %d", i, t, len(l.ix.terms))
			return
		}
	}
	l.ix.cands = candidateSet{off: off, list: list, terms: terms}
}

// checkCands checks that the loaded candidates lie inside their
// sentences, which the index sections cannot see.
func checkCands(ix *Index, c *corpus.Corpus) error {
	for si := range c.Sentences {
		for _, x := range ix.sentenceCands(si) {
			if int(x.end) > len(c.Sentences[si].Text) {
				return fmt.Errorf("%w: CAND: candidate %d–%d of sentence %d, of %d bytes", ErrCorrupt, x.start, x.end, si, len(c.Sentences[si].Text))
			}
		}
	}
	return nil
}

// checkCorpus checks that a loaded corpus holds together as a loaded one
// does: documents, paragraphs and sentences follow each other in order,
// each in its own range, and chapters lie within their documents.
func checkCorpus(c *corpus.Corpus) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: corpus: "+format, append([]any{ErrCorrupt}, args...)...)
	}
	para := 0
	for i, d := range c.Docs {
		if d.FirstParagraph != para || d.ParagraphCount < 0 || d.ParagraphCount > len(c.Paragraphs)-para {
			return bad("document %d: paragraphs %d+%d", i, d.FirstParagraph, d.ParagraphCount)
		}
		for j, ch := range d.Chapters {
			if ch.Parent < -1 || ch.Parent >= j || ch.Depth < 0 || ch.FirstParagraph < d.FirstParagraph || ch.ParagraphCount < 0 ||
				ch.ParagraphCount > d.FirstParagraph+d.ParagraphCount-ch.FirstParagraph {
				return bad("document %d, chapter %d: parent %d, paragraphs %d+%d", i, j, ch.Parent, ch.FirstParagraph, ch.ParagraphCount)
			}
		}
		for p := para; p < para+d.ParagraphCount; p++ {
			if c.Paragraphs[p].Doc != i || c.Paragraphs[p].Chapter < -1 || c.Paragraphs[p].Chapter >= len(d.Chapters) {
				return bad("paragraph %d: document %d, chapter %d", p, c.Paragraphs[p].Doc, c.Paragraphs[p].Chapter)
			}
		}
		para += d.ParagraphCount
	}
	if para != len(c.Paragraphs) {
		return bad("%d paragraphs in documents, of %d", para, len(c.Paragraphs))
	}
	sent := 0
	for i, p := range c.Paragraphs {
		if p.FirstSentence != sent || p.SentenceCount < 0 || p.SentenceCount > len(c.Sentences)-sent {
			return bad("paragraph %d: sentences %d+%d", i, p.FirstSentence, p.SentenceCount)
		}
		for s := sent; s < sent+p.SentenceCount; s++ {
			if c.Sentences[s].Para != i {
				return bad("sentence %d: paragraph %d, not %d", s, c.Sentences[s].Para, i)
			}
		}
		sent += p.SentenceCount
	}
	if sent != len(c.Sentences) {
		return bad("%d sentences in paragraphs, of %d", sent, len(c.Sentences))
	}
	return nil
}

// encoder writes a saved index: little-endian values gathered in buf,
// with a running CRC-32C and a count of the bytes written. In counting
// mode it only counts, so that a section's length is known before it is
// written.
type encoder struct {
	w     io.Writer
	buf   []byte
	crc   uint32
	n     int64
	count bool
	err   error
}

func (e *encoder) flush() {
	if len(e.buf) == 0 {
		return
	}
	e.crc = crc32.Update(e.crc, castagnoli, e.buf)
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// more is called after each value: it writes out a full buffer.
func (e *encoder) more() {
	if len(e.buf) >= 1<<16-64 {
		e.flush()
	}
}

// section writes tag, the length of what f writes and what f writes.
func (e *encoder) section(tag string, f func()) {
	start := e.n
	e.count = true
	f()
	e.count = false
	size := e.n - start
	e.n = start
	e.bytes([]byte(tag))
	e.u64(uint64(size))
	start = e.n
	f()
	if e.n-start != size {
		panic(fmt.Sprintf("retrieval: section %s counted %d bytes and wrote %d", tag, size, e.n-start))
	}
}

func (e *encoder) u8(v uint8) {
	e.n++
	if !e.count {
		e.buf = append(e.buf, v)
		e.more()
	}
}

func (e *encoder) bool(v bool) {
	var b uint8
	if v {
		b = 1
	}
	e.u8(b)
}

func (e *encoder) u16(v uint16) {
	e.n += 2
	if !e.count {
		e.buf = binary.LittleEndian.AppendUint16(e.buf, v)
		e.more()
	}
}

func (e *encoder) u32(v uint32) {
	e.n += 4
	if !e.count {
		e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
		e.more()
	}
}

func (e *encoder) i32(v int32) { e.u32(uint32(v)) }

func (e *encoder) u64(v uint64) {
	e.n += 8
	if !e.count {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, v)
		e.more()
	}
}

// bytes writes p as it is.
func (e *encoder) bytes(p []byte) {
	e.n += int64(len(p))
	if e.count {
		return
	}
	if len(p) < 1<<12 {
		e.buf = append(e.buf, p...)
		e.more()
		return
	}
	e.flush()
	e.crc = crc32.Update(e.crc, castagnoli, p)
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

// str0 writes the bytes of s alone.
func (e *encoder) str0(s string) {
	if e.count {
		e.n += int64(len(s))
		return
	}
	if len(s) < 1<<12 {
		e.n += int64(len(s))
		e.buf = append(e.buf, s...)
		e.more()
		return
	}
	e.bytes([]byte(s))
}

// str writes the length of s and its bytes.
func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.str0(s)
}

// putStrings writes a list of strings: their count, their lengths and
// their bytes, for [getStrings].
func putStrings(e *encoder, ss []string) {
	e.u32(uint32(len(ss)))
	for _, s := range ss {
		e.u32(uint32(len(s)))
	}
	for _, s := range ss {
		e.str0(s)
	}
}

func putI32s(e *encoder, v []int32) {
	if e.count {
		e.n += 4 * int64(len(v))
		return
	}
	for _, x := range v {
		e.u32(uint32(x))
	}
}

func putU8s(e *encoder, v []uint8) { e.bytes(v) }

func putU16s[T ~uint16](e *encoder, v []T) {
	if e.count {
		e.n += 2 * int64(len(v))
		return
	}
	for _, x := range v {
		e.u16(uint16(x))
	}
}

func putU64s(e *encoder, v []uint64) {
	if e.count {
		e.n += 8 * int64(len(v))
		return
	}
	for _, x := range v {
		e.u64(x)
	}
}

// putRagged writes a list of lists: the length of each, then all their
// elements, for [getRagged]. The number of lists is the reader's to know.
func putRagged(e *encoder, v [][]int32) {
	for _, l := range v {
		e.u32(uint32(len(l)))
	}
	for _, l := range v {
		putI32s(e, l)
	}
}

// decoder reads one section. A read past the end, or a count larger than
// what is left could hold, sets err (wrapping ErrCorrupt) and leaves
// nothing to read, so that no length in a file makes it allocate more
// than the file's size allows.
type decoder struct {
	b   []byte
	tag string
	err error
}

func (d *decoder) failf(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: section %s: %s", ErrCorrupt, d.tag, fmt.Sprintf(format, args...))
	}
	d.b = nil
}

// take returns the next n bytes.
func (d *decoder) take(n int) []byte {
	if n < 0 {
		d.failf("negative length")
		return nil
	}
	return d.take64(uint64(n))
}

func (d *decoder) take64(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.failf("%d bytes wanted, %d left", n, len(d.b))
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) i32() int32 { return int32(d.u32()) }

func (d *decoder) u64() uint64 {
	if p := d.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// count reads a count of things of at least size bytes each, and fails
// unless that many could fit in what is left.
func (d *decoder) count(size int) int {
	n := uint64(d.u32())
	if n*uint64(max(size, 1)) > uint64(len(d.b)) {
		d.failf("%d things of %d bytes in %d bytes", n, size, len(d.b))
		return 0
	}
	return int(n)
}

func (d *decoder) str() string { return string(d.take(int(d.u32()))) }

// getStrings reads what [putStrings] wrote: the strings are slices of one
// allocation.
func getStrings(d *decoder) []string {
	n := d.count(4)
	lens := d.take(4 * n)
	total := uint64(0)
	for i := range n {
		total += uint64(binary.LittleEndian.Uint32(lens[4*i:]))
	}
	blob := string(d.take64(total))
	if d.err != nil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		k := int(binary.LittleEndian.Uint32(lens[4*i:]))
		out[i], blob = blob[:k], blob[k:]
	}
	return out
}

// getCounts reads n counts of things of size bytes, which must fit in
// what is left, and returns them with their sum.
func getCounts(d *decoder, n, size int) ([]int, int) {
	b := d.take(4 * n)
	if d.err != nil {
		return nil, 0
	}
	counts := make([]int, n)
	total := uint64(0)
	for i := range counts {
		counts[i] = int(binary.LittleEndian.Uint32(b[4*i:]))
		total += uint64(counts[i])
	}
	if size > 0 && total > uint64(len(d.b))/uint64(size) || total > 1<<40 {
		d.failf("%d things of %d bytes in %d bytes", total, size, len(d.b))
		return nil, 0
	}
	return counts, int(total)
}

func getI32s(d *decoder, n int) []int32 {
	b := d.take(4 * n)
	if d.err != nil {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func getU16s[T ~uint16](d *decoder, n int) []T {
	b := d.take(2 * n)
	if d.err != nil {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = T(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

func getU64s(d *decoder, n int) []uint64 {
	b := d.take(8 * n)
	if d.err != nil {
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}

// getRagged reads what [putRagged] wrote, n lists, as slices of one
// allocation; an empty list is nil when nilEmpty.
func getRagged(d *decoder, n int, nilEmpty bool) [][]int32 {
	counts, total := getCounts(d, n, 4)
	flat := getI32s(d, total)
	if d.err != nil {
		return nil
	}
	out := make([][]int32, n)
	at := 0
	for i, k := range counts {
		if k == 0 && nilEmpty {
			continue
		}
		out[i] = flat[at : at+k : at+k]
		at += k
	}
	return out
}

// readFile reads the file at path, for mapFile where it does not map.
func readFile(path string) (data []byte, release func(), err error) {
	data, err = os.ReadFile(path)
	return data, func() {}, err
}
