package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAll reads an export whole, for tests.
func readAll(t *testing.T, in string) (*csvReader, []*record, error) {
	t.Helper()
	rd, err := newCSVReader(strings.NewReader(in))
	if err != nil {
		return nil, nil, err
	}
	var recs []*record
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			return rd, recs, nil
		}
		if err != nil {
			return rd, recs, err
		}
		recs = append(recs, rec)
	}
}

func TestSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c\n1,2,3\n":                    ',',
		"a;b;c\n1,5;2,5;3\n":                ';',
		"a\tb\tc\n":                         '\t',
		"\"x;y\",b,c\n":                     ',', // a separator inside quotes does not count
		"\"a,b\";c;d\n":                     ';',
		"only\n":                            ',',
		"\"Deal - Title\";\"Deal - Value\"": ';',
	} {
		rd, _, err := readAll(t, in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if rd.comma != want {
			t.Errorf("separator of %q = %q, want %q", in, rd.comma, want)
		}
	}
}

// The byte order mark that spreadsheets write is not part of the first
// column's name.
func TestByteOrderMark(t *testing.T) {
	rd, recs, err := readAll(t, "\ufeffDeal Name;Amount\r\nAcme;\"1.234,56\"\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Deal Name", "Amount"}; !reflect.DeepEqual(rd.header, want) {
		t.Errorf("header = %q, want %q", rd.header, want)
	}
	if want := []string{"Acme", "1.234,56"}; len(recs) != 1 || !reflect.DeepEqual(recs[0].fields, want) {
		t.Errorf("rows = %v, want one row %q", recs, want)
	}
}

// Each field is placed at its physical line and its column in characters,
// past quoted fields that hold line breaks and letters beyond ASCII.
func TestFieldPositions(t *testing.T) {
	in := "title,notes,owner\n" +
		"Acme,\"two\nlines\",ann\n" + // a record over lines 2 and 3
		"Zürich — café,\"ü\r\nü\",bob\n" + // lines 4 and 5, CRLF inside quotes
		"\n" + // a blank line (6)
		"\"quoted \"\"x\"\"\",plain,carl\n" // line 7
	_, recs, err := readAll(t, in)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]fieldPos
	var lines []int
	for _, r := range recs {
		var row []fieldPos
		for i := range r.fields {
			row = append(row, r.at(i))
		}
		got = append(got, row)
		lines = append(lines, r.line)
	}
	want := [][]fieldPos{
		{{2, 1}, {2, 6}, {3, 8}},
		{{4, 1}, {4, 15}, {5, 4}},
		{{7, 1}, {7, 16}, {7, 22}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(lines, []int{2, 4, 7}) {
		t.Errorf("lines = %v, want [2 4 7]", lines)
	}
	if recs[1].fields[1] != "ü\nü" {
		t.Errorf("a quoted line break reads as %q", recs[1].fields[1])
	}
	if recs[2].at(9) != (fieldPos{7, 1}) {
		t.Errorf("a missing field is placed at %v, want the row's start", recs[2].at(9))
	}
}

func TestCSVErrors(t *testing.T) {
	if _, _, err := readAll(t, ""); !errors.Is(err, errEmpty) {
		t.Errorf("an empty file: %v", err)
	}
	_, recs, err := readAll(t, "a,b\n1,2\n3,\"4\n5,6\n")
	var pe *csv.ParseError
	if !errors.As(err, &pe) || len(recs) != 1 {
		t.Fatalf("an unclosed quote: %v after %d rows", err, len(recs))
	}
	if msg, _ := parseErrorText(pe); !strings.Contains(msg, "not closed") || pe.StartLine != 3 {
		t.Errorf("an unclosed quote from line %d: %s", pe.StartLine, msg)
	}
	_, _, err = readAll(t, "a,b\n1,x\"y\n")
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("a bare quote: %v", err)
	}
	if msg, _ := parseErrorText(pe); !strings.Contains(msg, "not in quotes") {
		t.Errorf("a bare quote: %s", msg)
	}
}
