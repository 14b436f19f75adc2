// Package django reproduces the input validation of the Django framework that Preo's API runs
// on, so that the provider refuses at plan time exactly what Preo would refuse at apply time,
// and the emulator refuses it the same way.
package django

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// EmailError says why Django's EmailValidator refuses an address. Django itself only answers
// "Enter a valid email address."; the reason is for the person who has to fix it.
type EmailError struct {
	Reason string
}

func (e *EmailError) Error() string { return e.Reason }

// emailMaxLength is RFC 3696's limit, which Django checks before anything else.
const emailMaxLength = 320

// ValidateEmail applies Django's EmailValidator (Django 4.2 and later) to value and returns
// nil when Django accepts it. The address is split at its last "@". The user part must be a
// dot-atom or a quoted string; the domain must be "localhost", a domain name whose top-level
// label has at least two characters, or an IPv4 or IPv6 address in brackets. A domain with
// other than ASCII characters is tried again in its IDNA form, as Python's "idna" codec
// computes it.
//
// Django's regular expressions ignore letter case the way Python does, which lets four
// non-ASCII letters stand for ASCII ones: see foldsToASCII.
func ValidateEmail(value string) error {
	switch {
	case value == "":
		return &EmailError{"it is empty"}
	case !strings.Contains(value, "@"):
		return &EmailError{"it has no @"}
	case utf8.RuneCountInString(value) > emailMaxLength:
		return &EmailError{"it is longer than 320 characters"}
	}
	at := strings.LastIndex(value, "@")
	user, domain := value[:at], value[at+1:]
	if err := validateUser(user); err != nil {
		return err
	}
	if domain == "localhost" || validDomainPart(domain) {
		return nil
	}
	if !isASCII(domain) {
		if ascii, ok := punycode(domain); ok && validDomainPart(ascii) {
			return nil
		}
	}
	switch {
	case domain == "":
		return &EmailError{"nothing follows the last @"}
	case strings.HasSuffix(domain, "."):
		return &EmailError{"the domain ends with a dot"}
	case strings.Contains(domain, ".."):
		return &EmailError{"the domain has two dots in a row"}
	case !strings.Contains(domain, ".") && domain != "" && domain[0] != '[':
		return &EmailError{"the domain has no top-level domain (only localhost may stand alone)"}
	}
	return &EmailError{"the domain after the last @ is neither a domain name (labels of letters, digits and inner hyphens, " +
		"then a top-level domain of at least 2 characters), nor localhost, nor an IP address in brackets"}
}

// validateUser is the user regular expression: a dot-atom, or a quoted string.
func validateUser(user string) error {
	if strings.HasPrefix(user, `"`) {
		if validQuotedString(user) {
			return nil
		}
		return &EmailError{`the part before the last @ starts with a quote but is not a well-formed quoted string`}
	}
	switch {
	case user == "":
		return &EmailError{"nothing comes before the @"}
	case strings.HasPrefix(user, ".") || strings.HasSuffix(user, "."):
		return &EmailError{"the part before the last @ starts or ends with a dot"}
	case strings.Contains(user, ".."):
		return &EmailError{"the part before the last @ has two dots in a row"}
	}
	for _, r := range user {
		if r != '.' && !isAtext(r) {
			return &EmailError{"the part before the last @ holds " + describeRune(r) +
				", which only a quoted string may hold: letters A to Z, digits, dots and !#$%&'*+/=?^_`{|}~- are allowed"}
		}
	}
	return nil
}

// validQuotedString matches `"` (qtext | "\" quoted-pair)* `"` to the end of the user part.
func validQuotedString(user string) bool {
	rest := user[1:]
	for rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
		switch {
		case r == '"':
			return rest == ""
		case r == '\\':
			next, nextSize := utf8.DecodeRuneInString(rest)
			if rest == "" || !isQuotedPair(next) {
				return false
			}
			rest = rest[nextSize:]
		case !isQtext(r):
			return false
		}
	}
	return false
}

// foldsToASCII reports the non-ASCII letters that Python's case-insensitive regular
// expressions match against [A-Z]: dotted capital I, dotless small i, long s and the Kelvin
// sign. Django's patterns thus accept them wherever they accept ASCII letters.
func foldsToASCII(r rune) bool {
	return r == '\u0130' || r == '\u0131' || r == '\u017f' || r == '\u212a'
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || foldsToASCII(r)
}

func isAtext(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("-!#$%&'*+/=?^_`{}|~", r)
}

func isQtext(r rune) bool {
	return r >= 0x01 && r <= 0x08 || r == 0x0b || r == 0x0c || r >= 0x0e && r <= 0x1f || r == '!' ||
		r >= '#' && r <= '[' || r >= ']' && r <= 0x7f || foldsToASCII(r)
}

func isQuotedPair(r rune) bool {
	return r >= 0x01 && r <= 0x09 || r == 0x0b || r == 0x0c || r >= 0x0e && r <= 0x7f || foldsToASCII(r)
}

// validDomainPart is EmailValidator.validate_domain_part: the domain regular expression, or
// an address literal.
func validDomainPart(domain string) bool {
	return validDomainName(domain) || validLiteral(domain)
}

// validDomainName matches one or more labels of 1 to 63 characters that start and end with a
// letter or digit, each followed by a dot, then a top-level label of 2 to 63 letters, digits
// or hyphens that does not end with a hyphen.
func validDomainName(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	last := len(labels) - 1
	for _, label := range labels[:last] {
		if !validLabel(label) {
			return false
		}
	}
	return validTopLevelLabel(labels[last])
}

func validLabel(label string) bool {
	runes := []rune(label)
	if len(runes) == 0 || len(runes) > 63 || !isASCIIAlnum(runes[0]) || !isASCIIAlnum(runes[len(runes)-1]) {
		return false
	}
	return allLetterDigitHyphen(runes)
}

func validTopLevelLabel(label string) bool {
	runes := []rune(label)
	return len(runes) >= 2 && len(runes) <= 63 && runes[len(runes)-1] != '-' && allLetterDigitHyphen(runes)
}

func allLetterDigitHyphen(runes []rune) bool {
	for _, r := range runes {
		if r != '-' && !isASCIIAlnum(r) {
			return false
		}
	}
	return true
}

// validLiteral matches an address literal such as [192.0.2.1] or [2001:db8::1], checked as
// Django's validate_ipv46_address does: Python's ipaddress, without leading zeros in IPv4
// octets, and an IPv6 text of at most 39 characters.
func validLiteral(domain string) bool {
	inner, ok := strings.CutPrefix(domain, "[")
	if !ok {
		return false
	}
	if inner, ok = strings.CutSuffix(inner, "]"); !ok || inner == "" {
		return false
	}
	for _, r := range inner {
		if !isHexDigit(r) && r != ':' && r != '.' {
			return false
		}
	}
	addr, err := netip.ParseAddr(inner)
	if err != nil {
		return false
	}
	return addr.Is4() || len(inner) <= 39
}

func isHexDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func describeRune(r rune) string {
	if r == ' ' {
		return "a space"
	}
	if r < 0x20 || r == 0x7f || !utf8.ValidRune(r) {
		return "a control character"
	}
	return "\"" + string(r) + "\""
}
