// Package pycompat copies what CPython itself does with text and numbers, where the Preo API's
// answers depend on it: str.strip and str.split, int(), repr(float), the UTF-8 codec, urllib's
// percent-decoding and the json module's parser with its error messages. What Django and Django
// REST framework make of these is the emulator's business; this package knows only Python.
package pycompat

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsSpace is Python's str.isspace for one code point. Go's unicode.IsSpace agrees except for
// the ASCII separators U+001C..U+001F, which Python counts as whitespace.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// Strip is Python's str.strip() without arguments.
func Strip(s []rune) []rune {
	i, j := 0, len(s)
	for i < j && IsSpace(s[i]) {
		i++
	}
	for j > i && IsSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// Fields is Python's str.split() without arguments.
func Fields(s string) []string {
	return strings.FieldsFunc(s, IsSpace)
}

// BytesFields is Python's bytes.split() without arguments, which separates on ASCII
// whitespace only.
func BytesFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	})
}

// decimal returns the value of a digit as Python's int() reads it: any character of category
// Nd. Unicode assigns those in runs of ten, from zero to nine, so a digit's value is its
// distance from the start of its run.
func decimal(r rune) (int, bool) {
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

// maxStrDigits is CPython's default limit on the digits int() converts.
const maxStrDigits = 4300

// ParseInt reads s the way Python's int(s) does in base 10: surrounding whitespace, a sign,
// Unicode decimal digits and single underscores between digits. Values beyond int64 saturate,
// which is enough for callers that only compare against small bounds.
func ParseInt(s string) (int64, bool) {
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
		d, ok := decimal(rs[i])
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
	if !afterDigit || digits > maxStrDigits {
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

// FloatRepr is Python's repr(float): the shortest digits that round-trip, in fixed notation
// while the decimal exponent is in [-4, 16), always with a fractional part.
func FloatRepr(f float64) string {
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

func hexValue(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9':
		return r - '0', true
	case r >= 'a' && r <= 'f':
		return r - 'a' + 10, true
	case r >= 'A' && r <= 'F':
		return r - 'A' + 10, true
	}
	return 0, false
}

// UnquotePlus is urllib.parse.unquote_plus: "+" is a space, malformed %-escapes stay as
// written, and the decoded bytes are read as UTF-8 with one U+FFFD per undecodable range.
func UnquotePlus(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := hexValue(rune(s[i+1]))
			lo, ok2 := hexValue(rune(s[i+2]))
			if ok1 && ok2 {
				b = append(b, byte(hi<<4|lo))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return DecodeReplace(string(b))
}
