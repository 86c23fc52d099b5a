package edit

import (
	"strings"
	"unicode"
)

// fold maps the accented Latin letters common in company names to ASCII.
var fold = strings.NewReplacer(
	"ä", "a", "á", "a", "à", "a", "â", "a", "ã", "a", "å", "a", "æ", "ae",
	"ç", "c", "č", "c", "ć", "c", "é", "e", "è", "e", "ê", "e", "ë", "e", "ě", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ñ", "n", "ń", "n", "ň", "n",
	"ö", "o", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ø", "o", "œ", "oe",
	"ř", "r", "š", "s", "ś", "s", "ß", "ss", "ť", "t", "ü", "u", "ú", "u", "ù", "u", "û", "u", "ů", "u",
	"ý", "y", "ÿ", "y", "ž", "z", "ź", "z", "ż", "z", "ł", "l", "đ", "d", "&", " and ",
)

// Slug turns a deal title into a file name: lowercase ASCII letters and
// digits separated by single hyphens, at most 60 characters, never a name
// that a file system keeps for itself.
func Slug(title string) string {
	s := fold.Replace(strings.ToLower(title))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	out := b.String()
	if len(out) > 60 {
		// Cut at a word boundary.
		out = out[:60]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i]
		}
	}
	out = strings.Trim(out, "-")
	if out == "" {
		return "deal"
	}
	if reserved[out] {
		return out + "-deal"
	}
	return out
}

// reserved are the names Windows keeps for devices, whatever their
// extension: deals/con.yaml cannot be checked out there.
var reserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com0": true, "com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt0": true, "lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}
