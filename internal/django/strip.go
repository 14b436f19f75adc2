package django

import (
	"strings"
	"unicode"
)

// Strip is what Django's CharField does to every value it cleans
// (strip=True): Python's str.strip, which removes Unicode whitespace and the
// ASCII information separators U+001C to U+001F from both ends.
func Strip(value string) string {
	return strings.TrimFunc(value, isPythonSpace)
}

func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
