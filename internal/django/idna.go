package django

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// punycode is Django's django.utils.encoding.punycode, domain.encode("idna"), for a domain
// that is not pure ASCII: Python's codec implements IDNA 2003 (RFC 3490 with RFC 3491's
// nameprep), which differs from the IDNA 2008 that most Go code uses. It splits the domain at
// the four characters IDNA 2003 treats as dots, keeps a final dot, and converts every label
// with ToASCII. The second result is false where Python raises UnicodeError.
//
// Nameprep uses Unicode 3.2's tables in Python and the tables of golang.org/x/text here, so
// the two can differ for characters added to Unicode since 3.2; for those, Preo's own answer
// decides.
func punycode(domain string) (string, bool) {
	labels := splitIDNADots(domain)
	trailingDot := ""
	if n := len(labels); n > 0 && labels[n-1] == "" {
		labels, trailingDot = labels[:n-1], "."
	}
	out := make([]string, len(labels))
	for i, label := range labels {
		ascii, ok := toASCII(label)
		if !ok {
			return "", false
		}
		out[i] = ascii
	}
	return strings.Join(out, ".") + trailingDot, true
}

func isIDNADot(r rune) bool {
	return r == '.' || r == '。' || r == '．' || r == '｡'
}

func splitIDNADots(domain string) []string {
	var labels []string
	start := 0
	for i, r := range domain {
		if isIDNADot(r) {
			labels = append(labels, domain[start:i])
			start = i + len(string(r))
		}
	}
	return append(labels, domain[start:])
}

// toASCII is RFC 3490's ToASCII with AllowUnassigned and without UseSTD3ASCIIRules, as
// Python runs it.
func toASCII(label string) (string, bool) {
	if !isASCII(label) {
		var ok bool
		if label, ok = nameprep(label); !ok {
			return "", false
		}
	}
	if isASCII(label) {
		return label, len(label) > 0 && len(label) < 64
	}
	if strings.HasPrefix(label, "xn--") {
		return "", false
	}
	encoded, ok := encodePunycode(label)
	return encoded, ok && len(encoded) < 64
}

// encodePunycode returns "xn--" and the punycode of label. Nameprep can turn a character
// such as U+2024 ONE DOT LEADER into a dot, which Python keeps inside the label and copies
// into the punycode as a basic code point. idna.Punycode would split the label there, so
// the dots travel as a basic character the label does not hold: punycode copies basic
// characters in order and never looks at which ones they are.
func encodePunycode(label string) (string, bool) {
	if !strings.ContainsRune(label, '.') {
		encoded, err := idna.Punycode.ToASCII(label)
		return encoded, err == nil
	}
	stand := strings.IndexFunc(standIns, func(r rune) bool { return !strings.ContainsRune(label, r) })
	if stand < 0 {
		return "", false
	}
	standIn := standIns[stand : stand+1]
	encoded, err := idna.Punycode.ToASCII(strings.ReplaceAll(label, ".", standIn))
	if err != nil {
		return "", false
	}
	delimiter := strings.LastIndex(encoded, "-")
	return strings.ReplaceAll(encoded[:delimiter], standIn, ".") + encoded[delimiter:], true
}

// standIns are basic characters that may carry a label's dots through idna.Punycode.
const standIns = "!#$%&'*+,/:;<=>?@[]^_`{|}~"

// nameprep is RFC 3491: drop the characters mapped to nothing, fold case, normalize to NFKC,
// refuse prohibited characters and check the bidirectional rule. Folding and normalizing
// twice gives table B.2's result, which is case folding closed under NFKC.
func nameprep(label string) (string, bool) {
	label = strings.Map(func(r rune) rune {
		if unicode.Is(mappedToNothing, r) {
			return -1
		}
		return r
	}, label)
	fold := cases.Fold() // a Caser keeps state, so each call has its own
	label = norm.NFKC.String(fold.String(norm.NFKC.String(fold.String(label))))
	for _, r := range label {
		if unicode.Is(prohibited, r) {
			return "", false
		}
	}
	return label, bidiRuleHolds(label)
}

// bidiRuleHolds is RFC 3454 section 6: a label with a right-to-left character has no
// left-to-right one, and starts and ends with a right-to-left character.
func bidiRuleHolds(label string) bool {
	runes := []rune(label)
	anyRTL := false
	for _, r := range runes {
		if isRTL(r) {
			anyRTL = true
		}
	}
	if !anyRTL {
		return true
	}
	for _, r := range runes {
		if properties, _ := bidi.LookupRune(r); properties.Class() == bidi.L {
			return false
		}
	}
	return isRTL(runes[0]) && isRTL(runes[len(runes)-1])
}

// isRTL is table D.1, from Unicode 3.2 as Python has it: characters assigned since then
// count as neither direction there, and a label of them must not fail the rule here.
func isRTL(r rune) bool { return unicode.Is(rightToLeft, r) }

// mappedToNothing is RFC 3454 table B.1.
var mappedToNothing = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x00ad, Hi: 0x00ad, Stride: 1},
	{Lo: 0x034f, Hi: 0x034f, Stride: 1},
	{Lo: 0x1806, Hi: 0x1806, Stride: 1},
	{Lo: 0x180b, Hi: 0x180d, Stride: 1},
	{Lo: 0x200b, Hi: 0x200d, Stride: 1},
	{Lo: 0x2060, Hi: 0x2060, Stride: 1},
	{Lo: 0xfe00, Hi: 0xfe0f, Stride: 1},
	{Lo: 0xfeff, Hi: 0xfeff, Stride: 1},
}}

// prohibited joins RFC 3491's prohibited tables: C.1.2, C.2.2, C.3 to C.9.
var prohibited = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0080, Hi: 0x00a0, Stride: 1},
		{Lo: 0x0340, Hi: 0x0341, Stride: 1},
		{Lo: 0x06dd, Hi: 0x06dd, Stride: 1},
		{Lo: 0x070f, Hi: 0x070f, Stride: 1},
		{Lo: 0x1680, Hi: 0x1680, Stride: 1},
		{Lo: 0x180e, Hi: 0x180e, Stride: 1},
		{Lo: 0x2000, Hi: 0x200f, Stride: 1},
		{Lo: 0x2028, Hi: 0x202f, Stride: 1},
		{Lo: 0x205f, Hi: 0x2063, Stride: 1},
		{Lo: 0x206a, Hi: 0x206f, Stride: 1},
		{Lo: 0x2ff0, Hi: 0x2ffb, Stride: 1},
		{Lo: 0x3000, Hi: 0x3000, Stride: 1},
		{Lo: 0xd800, Hi: 0xf8ff, Stride: 1},
		{Lo: 0xfdd0, Hi: 0xfdef, Stride: 1},
		{Lo: 0xfeff, Hi: 0xfeff, Stride: 1},
		{Lo: 0xfff9, Hi: 0xffff, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x1d173, Hi: 0x1d17a, Stride: 1},
		{Lo: 0x1fffe, Hi: 0x1ffff, Stride: 1},
		{Lo: 0x2fffe, Hi: 0x2ffff, Stride: 1},
		{Lo: 0x3fffe, Hi: 0x3ffff, Stride: 1},
		{Lo: 0x4fffe, Hi: 0x4ffff, Stride: 1},
		{Lo: 0x5fffe, Hi: 0x5ffff, Stride: 1},
		{Lo: 0x6fffe, Hi: 0x6ffff, Stride: 1},
		{Lo: 0x7fffe, Hi: 0x7ffff, Stride: 1},
		{Lo: 0x8fffe, Hi: 0x8ffff, Stride: 1},
		{Lo: 0x9fffe, Hi: 0x9ffff, Stride: 1},
		{Lo: 0xafffe, Hi: 0xaffff, Stride: 1},
		{Lo: 0xbfffe, Hi: 0xbffff, Stride: 1},
		{Lo: 0xcfffe, Hi: 0xcffff, Stride: 1},
		{Lo: 0xdfffe, Hi: 0xdffff, Stride: 1},
		{Lo: 0xe0001, Hi: 0xe0001, Stride: 1},
		{Lo: 0xe0020, Hi: 0xe007f, Stride: 1},
		{Lo: 0xefffe, Hi: 0x10ffff, Stride: 1},
	},
}

// rightToLeft is RFC 3454 table D.1, the characters with bidirectional property R or AL.
var rightToLeft = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x05be, Hi: 0x05be, Stride: 1},
	{Lo: 0x05c0, Hi: 0x05c0, Stride: 1},
	{Lo: 0x05c3, Hi: 0x05c3, Stride: 1},
	{Lo: 0x05d0, Hi: 0x05ea, Stride: 1},
	{Lo: 0x05f0, Hi: 0x05f4, Stride: 1},
	{Lo: 0x061b, Hi: 0x061b, Stride: 1},
	{Lo: 0x061f, Hi: 0x061f, Stride: 1},
	{Lo: 0x0621, Hi: 0x063a, Stride: 1},
	{Lo: 0x0640, Hi: 0x064a, Stride: 1},
	{Lo: 0x066d, Hi: 0x066f, Stride: 1},
	{Lo: 0x0671, Hi: 0x06d5, Stride: 1},
	{Lo: 0x06dd, Hi: 0x06dd, Stride: 1},
	{Lo: 0x06e5, Hi: 0x06e6, Stride: 1},
	{Lo: 0x06fa, Hi: 0x06fe, Stride: 1},
	{Lo: 0x0700, Hi: 0x070d, Stride: 1},
	{Lo: 0x0710, Hi: 0x0710, Stride: 1},
	{Lo: 0x0712, Hi: 0x072c, Stride: 1},
	{Lo: 0x0780, Hi: 0x07a5, Stride: 1},
	{Lo: 0x07b1, Hi: 0x07b1, Stride: 1},
	{Lo: 0x200f, Hi: 0x200f, Stride: 1},
	{Lo: 0xfb1d, Hi: 0xfb1d, Stride: 1},
	{Lo: 0xfb1f, Hi: 0xfb28, Stride: 1},
	{Lo: 0xfb2a, Hi: 0xfb36, Stride: 1},
	{Lo: 0xfb38, Hi: 0xfb3c, Stride: 1},
	{Lo: 0xfb3e, Hi: 0xfb3e, Stride: 1},
	{Lo: 0xfb40, Hi: 0xfb41, Stride: 1},
	{Lo: 0xfb43, Hi: 0xfb44, Stride: 1},
	{Lo: 0xfb46, Hi: 0xfbb1, Stride: 1},
	{Lo: 0xfbd3, Hi: 0xfd3d, Stride: 1},
	{Lo: 0xfd50, Hi: 0xfd8f, Stride: 1},
	{Lo: 0xfd92, Hi: 0xfdc7, Stride: 1},
	{Lo: 0xfdf0, Hi: 0xfdfc, Stride: 1},
	{Lo: 0xfe70, Hi: 0xfe74, Stride: 1},
	{Lo: 0xfe76, Hi: 0xfefc, Stride: 1},
}}
