package emulator

import (
	"net/netip"
	"strings"
	"unicode"
)

// validEmail is Django's EmailValidator, which the API's EmailField runs. International domain
// names, which Django first converts with Python's IDNA codec, are accepted when each label is
// made of letters, digits, marks and hyphens.
func validEmail(v []rune) bool {
	if len(v) == 0 || len(v) > 320 {
		return false
	}
	at := -1
	for i, r := range v {
		if r == '@' {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	user, domain := v[:at], v[at+1:]
	if !validEmailUser(user) {
		return false
	}
	return string(domain) == "localhost" || validDomain(domain, false) || validLiteral(domain) || validDomain(domain, true)
}

// foldsToASCII reports the non-ASCII letters that Python's case-insensitive regular
// expressions match against [A-Z]: long s, Kelvin sign, dotted capital I and dotless small i.
func foldsToASCII(r rune) bool {
	return r == 'ſ' || r == 'K' || r == 'İ' || r == 'ı'
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || foldsToASCII(r)
}

func isAtext(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("-!#$%&'*+/=?^_`{}|~", r)
}

// validEmailUser matches the local part: a dot-atom, or a quoted string.
func validEmailUser(u []rune) bool {
	if len(u) > 0 && u[0] == '"' {
		for i := 1; i < len(u); i++ {
			switch r := u[i]; {
			case r == '"':
				return i == len(u)-1
			case r == '\\':
				if i+1 >= len(u) || !isQuotedPair(u[i+1]) {
					return false
				}
				i++
			case !isQtext(r):
				return false
			}
		}
		return false
	}
	atom := 0
	for _, r := range u {
		switch {
		case r == '.':
			if atom == 0 {
				return false
			}
			atom = 0
		case isAtext(r):
			atom++
		default:
			return false
		}
	}
	return atom > 0
}

func isQtext(r rune) bool {
	return r >= 1 && r <= 8 || r == 11 || r == 12 || r >= 14 && r <= 31 || r == '!' ||
		r >= '#' && r <= '[' || r >= ']' && r <= 127 || foldsToASCII(r)
}

func isQuotedPair(r rune) bool {
	return r >= 1 && r <= 9 || r == 11 || r == 12 || r >= 14 && r <= 127 || foldsToASCII(r)
}

// validDomain matches dot-separated labels of at most 63 characters that start and end with a
// letter or digit, followed by a top-level label of 2 to 63 letters, digits or hyphens that
// does not end with a hyphen. With idn, a label containing non-ASCII characters stands for its
// "xn--" form, which always has that shape.
func validDomain(d []rune, idn bool) bool {
	labels := strings.Split(string(d), ".")
	if len(labels) < 2 {
		return false
	}
	for i, label := range labels {
		rs := []rune(label)
		if idn && hasNonASCII(rs) {
			if len(rs) == 0 || len(rs) > 59 {
				return false
			}
			for _, r := range rs {
				if r != '-' && !isASCIIAlnum(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
					return false
				}
			}
			continue
		}
		if i == len(labels)-1 {
			if len(rs) < 2 || len(rs) > 63 || rs[len(rs)-1] == '-' {
				return false
			}
			for _, r := range rs {
				if r != '-' && !isASCIIAlnum(r) {
					return false
				}
			}
			continue
		}
		if len(rs) == 0 || len(rs) > 63 || !isASCIIAlnum(rs[0]) || !isASCIIAlnum(rs[len(rs)-1]) {
			return false
		}
		for _, r := range rs {
			if r != '-' && !isASCIIAlnum(r) {
				return false
			}
		}
	}
	return true
}

func hasNonASCII(rs []rune) bool {
	for _, r := range rs {
		if r >= 0x80 {
			return true
		}
	}
	return false
}

// validLiteral matches an address literal such as [192.0.2.1] or [2001:db8::1].
func validLiteral(d []rune) bool {
	if len(d) < 3 || d[0] != '[' || d[len(d)-1] != ']' {
		return false
	}
	inner := string(d[1 : len(d)-1])
	for _, r := range inner {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') && (r < 'A' || r > 'F') && r != ':' && r != '.' {
			return false
		}
	}
	addr, err := netip.ParseAddr(inner)
	return err == nil && (addr.Is4() || len(inner) <= 39)
}
