package pycompat

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Reasons CPython's UTF-8 codec gives for a byte range it cannot decode.
const (
	utf8InvalidStart = "invalid start byte"
	utf8InvalidCont  = "invalid continuation byte"
	utf8Truncated    = "unexpected end of data"
)

// utf8Invalid classifies the undecodable sequence at the start of b as CPython's codec does,
// returning how many bytes it spans. Go and CPython agree on what is valid; they differ in how
// much of a bad sequence they swallow, which decides both error positions and how many U+FFFD
// a lenient decode produces.
func utf8Invalid(b []byte) (n int, reason string) {
	c := b[0]
	var need int
	switch {
	case c < 0xc2 || c > 0xf4:
		return 1, utf8InvalidStart
	case c < 0xe0:
		need = 2
	case c < 0xf0:
		need = 3
	default:
		need = 4
	}
	lo, hi := byte(0x80), byte(0xbf)
	switch c {
	case 0xe0:
		lo = 0xa0
	case 0xed:
		hi = 0x9f
	case 0xf0:
		lo = 0x90
	case 0xf4:
		hi = 0x8f
	}
	for k := 1; k < need; k++ {
		if k >= len(b) {
			return len(b), utf8Truncated
		}
		if k == 1 && (b[1] < lo || b[1] > hi) || k > 1 && b[k]&0xc0 != 0x80 {
			return k, utf8InvalidCont
		}
	}
	// Only reachable if b starts with a valid sequence, which callers have ruled out.
	return 1, utf8InvalidStart
}

// DecodeReplace is bytes.decode("utf-8", "replace"): one U+FFFD per bad range.
func DecodeReplace(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			n, _ := utf8Invalid([]byte(s[i:]))
			b.WriteRune(utf8.RuneError)
			i += n
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// decodeStream decodes bytes as a codecs.StreamReader for UTF-8 reads them to the end: an
// error names the first bad range, and a sequence cut off by the end of the input is silently
// dropped rather than reported.
func decodeStream(b []byte) ([]rune, error) {
	out := make([]rune, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			out = append(out, rune(b[i]))
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			out = append(out, r)
			i += size
			continue
		}
		n, reason := utf8Invalid(b[i:])
		if reason == utf8Truncated {
			break
		}
		if n == 1 {
			return nil, fmt.Errorf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", b[i], i, reason)
		}
		return nil, fmt.Errorf("'utf-8' codec can't decode bytes in position %d-%d: %s", i, i+n-1, reason)
	}
	return out, nil
}
