package django

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// Each address is marked with Django's own verdict, as its EmailValidator gives it.
var emailCases = []struct {
	address string
	django  bool
}{
	// Plain addresses and the user part's dot-atom.
	{"ada@example.com", true},
	{"UPPER@EXAMPLE.COM", true},
	{"a@b.co", true},
	{"first.last@example.com", true},
	{"!#$%&'*+/=?^_`{|}~-@example.com", true},
	{"a..b@example.com", false},
	{".ada@example.com", false},
	{"ada.@example.com", false},
	{"sp aced@example.com", false},
	{"ünï@example.com", false},
	{"a\x00@example.com", false},
	{"a@b@example.com", false},
	{"@example.com", false},
	// Python's case-insensitive [A-Z] also matches these four letters.
	{"\u212ax@example.com", true},
	{"\u017fx@example.com", true},
	{"\u0131x@example.com", true},
	{"\u0130x@example.com", true},
	{"x@e\u212aample.com", true},
	// Quoted strings.
	{`"quoted"@example.com`, true},
	{`"a@b"@example.com`, true},
	{`"a\"b"@example.com`, true},
	{`""@example.com`, true},
	{`"with space"@example.com`, false},
	{`"with\ space"@example.com`, true},
	{`"a"b"@example.com`, false},
	{`"unterminated@example.com`, false},
	{"\"tab\\\x0a\"@example.com", false},
	// Domain names.
	{"user@a.b-c.de", true},
	{"user@example.123", true},
	{"user@example.-c", true},
	{"user@" + strings.Repeat("a", 63) + ".com", true},
	{"user@xn--bcher-kva.example", true},
	{"ada@example.com.", false},
	{"ada@example..com", false},
	{"ada@", false},
	{"a@b", false},
	{"a@b.c", false},
	{"user@1.2.3.4", false},
	{"user@-example.com", false},
	{"user@example-.com", false},
	{"user@exam_ple.com", false},
	{"user@example.c-", false},
	{"user@" + strings.Repeat("a", 64) + ".com", false},
	{"user@a." + strings.Repeat("b", 64), false},
	// The allow-list: localhost alone, in exactly these letters.
	{"ada@localhost", true},
	{"ada@LOCALHOST", false},
	{"ada@localhost.", false},
	// Address literals.
	{"x@[127.0.0.1]", true},
	{"x@[::1]", true},
	{"x@[1:2:3:4:5:6:7:8]", true},
	{"x@[::ffff:1.2.3.4]", true},
	{"x@[1:2:3:4:5:6:7::]", true},
	{"x@[0000:0000:0000:0000:0000:0000:0000:0001]", true},
	{"x@[127.0.0.01]", false},
	{"x@[256.0.0.1]", false},
	{"x@[1::2::3]", false},
	{"x@[0:0:0:0:0:0:0:0:1]", false},
	{"x@[0000:0000:0000:0000:0000:ffff:255.255.255.255]", false},
	{"x@[fe80::1%eth0]", false},
	{"x@127.0.0.1", false},
	// International domain names, tried again in their IDNA 2003 form.
	{"user@exämple.com", true},
	{"user@пример.рф", true},
	{"user@example.рф", true},
	{"user@straße.de", true},
	{"user@bücher。example", true},
	{"user@例え．テスト", true},
	{"user@😀.com", true},
	{"user@a\u2024b.com", true},
	{"user@ex\u00adample.com", true},
	{"user@bücher.example.", false},
	{"user@xn--bcher-kva.bücher", true},
	{"user@XN--ä.com", false},
	{"user@a\u00a0b.com", false},
	{"user@a\ue000.com", false},
	{"user@שלום.com", true},
	{"user@שלוםa.com", false},
	{"user@1שלום.com", false},
	{"user@" + strings.Repeat("ä", 60) + ".com", false},
	// Lengths: Django limits the whole address to 320 characters, and neither the user part
	// nor the domain as a whole.
	{strings.Repeat("a", 256) + "@" + strings.Repeat("b", 59) + ".com", true},
	{strings.Repeat("a", 257) + "@" + strings.Repeat("b", 59) + ".com", false},
	{strings.Repeat("é", 5) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com", false},
	{strings.Repeat("a", 310) + "@example.com", false},
	{"", false},
	{"no-at-sign", false},
}

func TestValidateEmailAgreesWithDjango(t *testing.T) {
	for _, tc := range emailCases {
		err := ValidateEmail(tc.address)
		if accepted := err == nil; accepted != tc.django {
			t.Errorf("ValidateEmail(%q) = %v; Django accepts it: %v", tc.address, err, tc.django)
		}
	}
}

func TestValidateEmailSaysWhy(t *testing.T) {
	for address, reason := range map[string]string{
		"":                                 "it is empty",
		"ada.example.com":                  "it has no @",
		strings.Repeat("a", 321) + "@x.co": "longer than 320 characters",
		"a..b@example.com":                 "two dots in a row",
		"ada.@example.com":                 "starts or ends with a dot",
		"sp aced@example.com":              "holds a space",
		"ünï@example.com":                  `holds "ü"`,
		`"open@example.com`:                "not a well-formed quoted string",
		"ada@example.com.":                 "the domain ends with a dot",
		"ada@example..com":                 "the domain has two dots in a row",
		"ada@mailhost":                     "no top-level domain",
		"ada@":                             "nothing follows the last @",
		"ada@[300.1.1.1]":                  "nor an IP address in brackets",
	} {
		var emailErr *EmailError
		if err := ValidateEmail(address); !errors.As(err, &emailErr) || !strings.Contains(emailErr.Reason, reason) {
			t.Errorf("ValidateEmail(%q) = %v, want a reason containing %q", address, err, reason)
		}
	}
}

func FuzzValidateEmail(f *testing.F) {
	for _, tc := range emailCases {
		f.Add(tc.address)
	}
	f.Fuzz(func(t *testing.T, address string) {
		if ValidateEmail(address) != nil {
			return
		}
		if !strings.Contains(address, "@") || utf8.RuneCountInString(address) > emailMaxLength {
			t.Errorf("accepted %q, which has no @ or is too long", address)
		}
		at := strings.LastIndex(address, "@")
		if domain := address[at+1:]; strings.HasSuffix(domain, ".") || strings.HasSuffix(domain, "。") {
			t.Errorf("accepted %q, whose domain ends with a dot", address)
		}
	})
}
