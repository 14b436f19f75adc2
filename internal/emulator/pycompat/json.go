package pycompat

import (
	"errors"
	"fmt"
	"strconv"
)

// DRF parses request bodies with Python's json module and reports its error message verbatim
// ("JSON parse error - Expecting value: line 1 column 1 (char 0)"), so ParseJSON follows
// CPython's scanner step by step: same acceptance, same messages, same positions (counted in
// characters, not bytes). The messages are those of Python 3.11 and 3.12, the versions DRF 3.14
// runs on; 3.13 words trailing commas differently.

// Decoded values keep the Python types that matter to DRF's CharField; null is nil and
// booleans are bool.
type (
	Str  []rune         // str, code points as decoded, lone surrogates included
	Int  string         // int, as written (without the sign of -0)
	List []any          // list
	Dict map[string]any // dict; a repeated key keeps its last value
)

// maxDepth stands in for Python's recursion limit.
const maxDepth = 1000

// ErrRecursion is the RecursionError that deeper nesting than Python's recursion limit raises.
// It is not a ValueError: Django answers it with a bare 500, not with a parse error.
var ErrRecursion = errors.New("maximum recursion depth exceeded while decoding a JSON document")

// jsonError is a ValueError raised while decoding; DRF prefixes it with "JSON parse error - ".
type jsonError struct{ msg string }

func (e *jsonError) Error() string { return e.msg }

// stopIteration is the scanner's StopIteration: no value starts at pos. The top level reports
// it as "Expecting value".
type stopIteration struct{ pos int }

func (e *stopIteration) Error() string { return "expecting value" }

type parser struct {
	s     []rune
	depth int
}

// ParseJSON decodes body as DRF's JSONParser does: UTF-8 through a stream reader, then
// json.load with NaN and Infinity refused. An error is ErrRecursion, or a ValueError whose
// message is Python's to the letter.
func ParseJSON(body []byte) (any, error) {
	s, err := decodeStream(body)
	if err != nil {
		return nil, &jsonError{err.Error()}
	}
	p := &parser{s: s}
	if len(s) > 0 && s[0] == '\ufeff' {
		return nil, p.errorAt("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
	}
	v, end, err := p.scanOnce(p.skipSpace(0))
	if err != nil {
		var stop *stopIteration
		if errors.As(err, &stop) {
			return nil, p.errorAt("Expecting value", stop.pos)
		}
		return nil, err
	}
	if end = p.skipSpace(end); end != len(s) {
		return nil, p.errorAt("Extra data", end)
	}
	return v, nil
}

// errorAt formats a json.JSONDecodeError message.
func (p *parser) errorAt(msg string, pos int) error {
	line, lastNewline := 1, -1
	for i, r := range p.s[:pos] {
		if r == '\n' {
			line++
			lastNewline = i
		}
	}
	return &jsonError{fmt.Sprintf("%s: line %d column %d (char %d)", msg, line, pos-lastNewline, pos)}
}

func (p *parser) skipSpace(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

func (p *parser) hasWord(i int, word string) bool {
	if i+len(word) > len(p.s) {
		return false
	}
	for k := range len(word) {
		if p.s[i+k] != rune(word[k]) {
			return false
		}
	}
	return true
}

func (p *parser) scanOnce(i int) (any, int, error) {
	if i >= len(p.s) {
		return nil, i, &stopIteration{i}
	}
	switch p.s[i] {
	case '"':
		return p.scanString(i + 1)
	case '{', '[':
		if p.depth++; p.depth > maxDepth {
			return nil, i, ErrRecursion
		}
		defer func() { p.depth-- }()
		if p.s[i] == '{' {
			return p.parseObject(i + 1)
		}
		return p.parseArray(i + 1)
	case 'n':
		if p.hasWord(i, "null") {
			return nil, i + 4, nil
		}
	case 't':
		if p.hasWord(i, "true") {
			return true, i + 4, nil
		}
	case 'f':
		if p.hasWord(i, "false") {
			return false, i + 5, nil
		}
	case 'N':
		if p.hasWord(i, "NaN") {
			return nil, i, outOfRange("NaN")
		}
	case 'I':
		if p.hasWord(i, "Infinity") {
			return nil, i, outOfRange("Infinity")
		}
	case '-':
		if p.hasWord(i, "-Infinity") {
			return nil, i, outOfRange("-Infinity")
		}
	}
	return p.matchNumber(i)
}

// outOfRange is DRF's strict_constant: the API refuses the non-standard constants that
// Python's json would otherwise accept.
func outOfRange(name string) error {
	return &jsonError{"Out of range float values are not JSON compliant: '" + name + "'"}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func (p *parser) matchNumber(start int) (any, int, error) {
	s, i := p.s, start
	if s[i] == '-' {
		if i++; i >= len(s) {
			return nil, start, &stopIteration{start}
		}
	}
	switch {
	case s[i] >= '1' && s[i] <= '9':
		for i++; i < len(s) && isDigit(s[i]); i++ {
		}
	case s[i] == '0':
		i++
	default:
		return nil, start, &stopIteration{start}
	}
	isFloat := false
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		isFloat = true
		for i += 2; i < len(s) && isDigit(s[i]); i++ {
		}
	}
	if i+1 < len(s) && (s[i] == 'e' || s[i] == 'E') {
		eStart := i
		i++
		if i+1 < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if isDigit(s[i-1]) {
			isFloat = true
		} else {
			i = eStart
		}
	}
	text := string(s[start:i])
	if isFloat {
		// Out-of-range literals become ±inf or 0 in Python too; only the value matters.
		f, _ := strconv.ParseFloat(text, 64)
		return f, i, nil
	}
	if digits := i - start - boolInt(s[start] == '-'); digits > maxStrDigits {
		return nil, start, &jsonError{fmt.Sprintf("Exceeds the limit (%d digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", maxStrDigits, digits)}
	}
	if text == "-0" {
		text = "0"
	}
	return Int(text), i, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hex4 reads the four hex digits of a \u escape.
func hex4(s []rune) (rune, bool) {
	var c rune
	for _, r := range s {
		v, ok := hexValue(r)
		if !ok {
			return 0, false
		}
		c = c<<4 | v
	}
	return c, true
}

// scanString follows CPython's scanstring_unicode in strict mode; end is the index just past
// the opening quote. Unpaired surrogate escapes are kept as they are, as Python keeps them.
func (p *parser) scanString(end int) (any, int, error) {
	s, begin := p.s, end-1
	var out Str
	for {
		next := end
		for ; next < len(s); next++ {
			if c := s[next]; c == '"' || c == '\\' {
				break
			} else if c <= 0x1f {
				return nil, next, p.errorAt("Invalid control character at", next)
			}
		}
		if next >= len(s) {
			return nil, begin, p.errorAt("Unterminated string starting at", begin)
		}
		out = append(out, s[end:next]...)
		if s[next] == '"' {
			if out == nil {
				out = Str{}
			}
			return out, next + 1, nil
		}
		if next++; next == len(s) {
			return nil, begin, p.errorAt("Unterminated string starting at", begin)
		}
		if c := s[next]; c != 'u' {
			end = next + 1
			switch c {
			case '"', '\\', '/':
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			default:
				return nil, end - 2, p.errorAt(`Invalid \escape`, end-2)
			}
			out = append(out, c)
			continue
		}
		next++
		end = next + 4
		if end >= len(s) {
			return nil, next - 1, p.errorAt(`Invalid \uXXXX escape`, next-1)
		}
		c, ok := hex4(s[next:end])
		if !ok {
			return nil, end - 5, p.errorAt(`Invalid \uXXXX escape`, end-5)
		}
		if c >= 0xd800 && c <= 0xdbff && end+6 < len(s) && s[end] == '\\' && s[end+1] == 'u' {
			c2, ok := hex4(s[end+2 : end+6])
			if !ok {
				return nil, end + 1, p.errorAt(`Invalid \uXXXX escape`, end+1)
			}
			if c2 >= 0xdc00 && c2 <= 0xdfff {
				c = 0x10000 + (c-0xd800)<<10 + (c2 - 0xdc00)
				end += 6
			}
		}
		out = append(out, c)
	}
}

func (p *parser) parseObject(i int) (any, int, error) {
	s, obj := p.s, Dict{}
	i = p.skipSpace(i)
	if i < len(s) && s[i] == '}' {
		return obj, i + 1, nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return nil, i, p.errorAt("Expecting property name enclosed in double quotes", i)
		}
		key, next, err := p.scanString(i + 1)
		if err != nil {
			return nil, next, err
		}
		if i = p.skipSpace(next); i >= len(s) || s[i] != ':' {
			return nil, i, p.errorAt("Expecting ':' delimiter", i)
		}
		val, next, err := p.scanOnce(p.skipSpace(i + 1))
		if err != nil {
			return nil, next, err
		}
		obj[string(key.(Str))] = val
		if i = p.skipSpace(next); i < len(s) && s[i] == '}' {
			return obj, i + 1, nil
		}
		if i >= len(s) || s[i] != ',' {
			return nil, i, p.errorAt("Expecting ',' delimiter", i)
		}
		i = p.skipSpace(i + 1)
	}
}

func (p *parser) parseArray(i int) (any, int, error) {
	s, list := p.s, List{}
	i = p.skipSpace(i)
	if i < len(s) && s[i] == ']' {
		return list, i + 1, nil
	}
	for {
		val, next, err := p.scanOnce(i)
		if err != nil {
			return nil, next, err
		}
		list = append(list, val)
		if i = p.skipSpace(next); i < len(s) && s[i] == ']' {
			return list, i + 1, nil
		}
		if i >= len(s) || s[i] != ',' {
			return nil, i, p.errorAt("Expecting ',' delimiter", i)
		}
		i = p.skipSpace(i + 1)
	}
}

// TypeName is type(value).__name__ for a decoded value other than None.
func TypeName(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case Str:
		return "str"
	case Int:
		return "int"
	case float64:
		return "float"
	case List:
		return "list"
	}
	return "dict"
}
