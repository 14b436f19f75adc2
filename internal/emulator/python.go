package emulator

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The real API is a Python program: where its answers depend on how Python itself treats
// text and numbers (str.strip, int(), repr(float), the UTF-8 codec), these helpers copy
// CPython's rules so that the emulator answers the same odd inputs the same way.

// pyIsSpace is Python's str.isspace for one code point. Go's unicode.IsSpace agrees except
// for the ASCII separators U+001C..U+001F, which Python counts as whitespace.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip is Python's str.strip() without arguments.
func pyStrip(s []rune) []rune {
	i, j := 0, len(s)
	for i < j && pyIsSpace(s[i]) {
		i++
	}
	for j > i && pyIsSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// pyFields is Python's str.split() without arguments.
func pyFields(s string) []string {
	return strings.FieldsFunc(s, pyIsSpace)
}

// pyDecimal returns the value of a digit as Python's int() reads it: any character of
// category Nd. Unicode assigns those in runs of ten, from zero to nine, so a digit's value is
// its distance from the start of its run.
func pyDecimal(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < utf8.RuneSelf || !unicode.IsDigit(r) {
		return 0, false
	}
	n := 0
	for unicode.IsDigit(r - rune(n) - 1) {
		n++
	}
	return n % 10, true
}

// pyMaxStrDigits is CPython's default limit on the digits int() converts.
const pyMaxStrDigits = 4300

// pyParseInt reads s the way Python's int(s) does in base 10: surrounding whitespace, a
// sign, Unicode decimal digits and single underscores between digits. Values beyond int64
// saturate, which is enough for callers that only compare against small bounds.
func pyParseInt(s string) (int64, bool) {
	// Unlike str.strip, int() does not take U+001C..U+001F for whitespace.
	rs := []rune(strings.TrimFunc(s, unicode.IsSpace))
	i, neg := 0, false
	if i < len(rs) && (rs[i] == '+' || rs[i] == '-') {
		neg = rs[i] == '-'
		i++
	}
	var n uint64
	digits, afterDigit, overflow := 0, false, false
	for ; i < len(rs); i++ {
		if rs[i] == '_' {
			if !afterDigit {
				return 0, false
			}
			afterDigit = false
			continue
		}
		d, ok := pyDecimal(rs[i])
		if !ok {
			return 0, false
		}
		afterDigit = true
		digits++
		if n > (math.MaxInt64-uint64(d))/10 {
			overflow = true
		} else {
			n = n*10 + uint64(d)
		}
	}
	if !afterDigit || digits > pyMaxStrDigits {
		return 0, false
	}
	switch {
	case overflow && neg:
		return math.MinInt64, true
	case overflow:
		return math.MaxInt64, true
	case neg:
		return -int64(n), true
	}
	return int64(n), true
}

// pyFloatRepr is Python's repr(float): the shortest digits that round-trip, in fixed notation
// while the decimal exponent is in [-4, 16), always with a fractional part.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		if len(digits) > 1 {
			digits = digits[:1] + "." + digits[1:]
		}
		return fmt.Sprintf("%s%se%+03d", sign, digits, exp)
	}
	point := exp + 1
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits)) + ".0"
	}
	return sign + digits[:point] + "." + digits[point:]
}

// Reasons CPython's UTF-8 codec gives for a byte range it cannot decode.
const (
	utf8InvalidStart = "invalid start byte"
	utf8InvalidCont  = "invalid continuation byte"
	utf8Truncated    = "unexpected end of data"
)

// pyUTF8Invalid classifies the undecodable sequence at the start of b as CPython's codec
// does, returning how many bytes it spans. Go and CPython agree on what is valid; they differ
// in how much of a bad sequence they swallow, which decides both error positions and how many
// U+FFFD a lenient decode produces.
func pyUTF8Invalid(b []byte) (n int, reason string) {
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

// pyDecodeReplace is bytes.decode("utf-8", "replace"): one U+FFFD per bad range.
func pyDecodeReplace(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			n, _ := pyUTF8Invalid([]byte(s[i:]))
			b.WriteRune(utf8.RuneError)
			i += n
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// pyDecodeStream decodes a request body as DRF's JSON parser reads it, through a
// codecs.StreamReader: an error names the first bad range, and a sequence cut off by the end
// of the body is silently dropped rather than reported.
func pyDecodeStream(b []byte) ([]rune, error) {
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
		n, reason := pyUTF8Invalid(b[i:])
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
