package emulator

import (
	"strings"
	"testing"
)

func TestEmailValidator(t *testing.T) {
	valid := []string{
		"a@b.co", "user@example.com", "x@localhost", "x@[127.0.0.1]", "x@[::1]", "x@[1:2:3:4:5:6:7:8]", "x@[::ffff:1.2.3.4]",
		`"quoted"@example.com`, `"a@b"@example.com`, `"a\"b"@example.com`, `""@example.com`, "user@example.123", "user@example.-c",
		"user@exämple.com", "Kx@example.com", "ſx@example.com", "ıx@example.com", "İx@example.com", "x@eKample.com",
		"user@example.рф", "user@пример.рф", "user@" + strings.Repeat("a", 63) + ".com", "!#$%&'*+/=?^_`{|}~-@example.com",
		"user@xn--bcher-kva.example", "x@[0000:0000:0000:0000:0000:0000:0000:0001]", "x@[::1:2:3:4:5:6:7]", "user@a.b-c.de", "UPPER@EXAMPLE.COM",
	}
	invalid := []string{
		"", "bad", "a@b", "a@b.c", "x@LOCALHOST", "x@[127.0.0.01]", "x@[0:0:0:0:0:0:0:0:1]", "user@1.2.3.4", `"a"b"@example.com`,
		"a..b@example.com", ".a@example.com", "a.@example.com", "user@-example.com", "user@example-.com", "user@exam_ple.com",
		"user@example.c", "user@example.c-", "ünï@example.com", "user@example.com.", "sp aced@example.com", "a@b@example.com",
		"user@" + strings.Repeat("a", 64) + ".com", "user@a." + strings.Repeat("b", 64), strings.Repeat("a", 310) + "@example.com",
		"a\x00@example.com",
	}
	for _, e := range valid {
		if !validEmail([]rune(e)) {
			t.Errorf("%q rejected", e)
		}
	}
	for _, e := range invalid {
		if validEmail([]rune(e)) {
			t.Errorf("%q accepted", e)
		}
	}
}
