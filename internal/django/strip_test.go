package django

import "testing"

func TestStrip(t *testing.T) {
	for value, want := range map[string]string{
		"Ada":             "Ada",
		"  Ada  ":         "Ada",
		"\u00a0Ada\u2003": "Ada",
		"\x1cAda\x1f":     "Ada",
		"Ada  Lovelace":   "Ada  Lovelace",
		"\t\n\r\v\f":      "",
		"\u200bAda":       "\u200bAda", // a zero-width space is not whitespace to Python
		"\x1bAda":         "\x1bAda",   // nor is ESC, just below the separators
	} {
		if got := Strip(value); got != want {
			t.Errorf("Strip(%q) = %q, want %q", value, got, want)
		}
	}
}
