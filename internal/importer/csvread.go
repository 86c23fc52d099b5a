package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// record is one row of the export with where each of its fields starts in
// the file: the physical line (a quoted field may run over several lines)
// and the byte column.
type record struct {
	line   int
	fields []string
	pos    []fieldPos
}

type fieldPos struct{ line, col int }

// at returns where field i starts, or the row's start for a field the row
// lacks. The column counts characters, as every diagnostic's does: the CSV
// reader counts bytes, so the bytes that the letters beyond ASCII take on
// the field's line before it are taken off. Only field values hold such
// letters (quotes and separators are ASCII), and a field that runs over
// several lines puts only its last part on the line.
func (r *record) at(i int) fieldPos {
	if i < 0 || i >= len(r.pos) {
		return fieldPos{line: r.line, col: 1}
	}
	p := r.pos[i]
	for j := range i {
		v := r.fields[j]
		if r.pos[j].line+strings.Count(v, "\n") != p.line {
			continue
		}
		if k := strings.LastIndexByte(v, '\n'); k >= 0 {
			v = v[k+1:]
		}
		p.col -= len(v) - utf8.RuneCountInString(v)
	}
	return p
}

// value returns field i, or "" for a column the row lacks.
func (r *record) value(i int) string {
	if i >= 0 && i < len(r.fields) {
		return r.fields[i]
	}
	return ""
}

var errEmpty = errors.New("the file is empty: an export starts with a line of column names")

// csvReader streams an export one record at a time: it never holds more
// than the record being read.
type csvReader struct {
	r      *csv.Reader
	header []string
	comma  rune
}

// headerPeek is how much of the file is looked at to find the header line
// and its separator.
const headerPeek = 64 << 10

var bom = []byte("\xef\xbb\xbf")

// newCSVReader reads the header of an export. It drops a UTF-8 byte order
// mark, and takes the separator — comma, semicolon or tab — that the
// header line uses most outside quotes: spreadsheets in locales that write
// decimals with a comma save CSV with semicolons.
func newCSVReader(in io.Reader) (*csvReader, error) {
	br := bufio.NewReaderSize(in, headerPeek)
	head, err := br.Peek(headerPeek)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if bytes.HasPrefix(head, bom) {
		br.Discard(len(bom))
		head = head[len(bom):]
	}
	comma := separator(head)
	r := csv.NewReader(br)
	r.Comma = comma
	r.FieldsPerRecord = -1 // rows of another length are reported, not fatal
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errEmpty
	}
	if err != nil {
		return nil, err
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = strings.TrimSpace(h)
	}
	return &csvReader{r: r, header: cols, comma: comma}, nil
}

// separator returns the separator the first line uses most outside quoted
// text; a comma when it uses none.
func separator(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

// next reads the next record. It returns io.EOF at the end; a *csv.ParseError
// for text that is not CSV (a stray quote), after which the rest of the file
// cannot be trusted.
func (c *csvReader) next() (*record, error) {
	fields, err := c.r.Read()
	if err != nil {
		return nil, err
	}
	rec := &record{fields: make([]string, len(fields)), pos: make([]fieldPos, len(fields))}
	copy(rec.fields, fields)
	for i := range fields {
		line, col := c.r.FieldPos(i)
		rec.pos[i] = fieldPos{line, col}
	}
	if len(fields) > 0 {
		rec.line = rec.pos[0].line
	}
	return rec, nil
}

// blank reports whether a record has no text at all: a trailing empty line
// or a row of separators.
func (r *record) blank() bool {
	for _, f := range r.fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// parseErrorText says in a user's words what a csv.ParseError means.
func parseErrorText(e *csv.ParseError) (msg, hint string) {
	switch {
	case errors.Is(e.Err, csv.ErrBareQuote):
		return "a quote (\") inside a field that is not in quotes", "a field that holds quotes must be quoted itself, with each quote doubled: \"say \"\"hi\"\"\""
	case errors.Is(e.Err, csv.ErrQuote):
		return "a quoted field is not closed, or has text after its closing quote", "close the field with a quote, and double each quote inside it"
	}
	return fmt.Sprintf("the file is not valid CSV: %v", e.Err), "save the export again as CSV"
}
