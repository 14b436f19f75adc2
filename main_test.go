package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/preo/terraform-provider-preo/internal/emulator"
	"github.com/preo/terraform-provider-preo/internal/provider"
)

// envServe makes the test binary run main, so that a test can start the
// provider process exactly as Terraform starts the provider binary.
const envServe = "PREO_TEST_SERVE_PROVIDER"

func TestMain(m *testing.M) {
	if os.Getenv(envServe) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// The provider process writes the log lines Terraform keeps, and builds no
// others: started without any log variable it writes none at all, and every
// variable that asks for lines still gets them.
func TestProviderProcessLogsWhatTheEngineKeeps(t *testing.T) {
	srv := emulator.NewTestServer(t, emulator.Options{PageSize: 2}, emulator.GenerateUsers(5)...)
	for _, tc := range []struct {
		name  string
		env   []string
		want  []string // "module: message" of lines that must be written
		avoid []string // prefixes of lines that must not be
	}{
		{
			// Only go-plugin, which has no module, may write here.
			name:  "no log variables",
			avoid: []string{"sdk: ", "sdk.proto: ", "sdk.framework: ", "preo: "},
		},
		{
			name: "TF_LOG=TRACE",
			env:  []string{"TF_LOG=TRACE"},
			want: []string{
				"sdk.proto: Received request", "sdk.framework: Calling provider defined DataSource Read",
				"preo: Sending request to Preo", "preo: Response body",
			},
		},
		{
			name:  "TF_LOG_PROVIDER=DEBUG",
			env:   []string{"TF_LOG_PROVIDER=debug"},
			want:  []string{"preo: Sending request to Preo"},
			avoid: []string{"sdk.proto: Received request", "preo: Response body"},
		},
		{
			name:  "TF_LOG_SDK_FRAMEWORK=TRACE alone",
			env:   []string{"TF_LOG_SDK_FRAMEWORK=TRACE"},
			want:  []string{"sdk.framework: Calling provider defined DataSource Read"},
			avoid: []string{"sdk.proto: Received request", "preo: Sending request to Preo"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := logLinesOfARead(t, srv, tc.env)
			for _, want := range tc.want {
				if !lines[want] {
					t.Errorf("no %q line", want)
				}
			}
			for line := range lines {
				for _, avoid := range tc.avoid {
					if strings.HasPrefix(line, avoid) {
						t.Errorf("a %q line was written", line)
					}
				}
			}
		})
	}
}

// logLinesOfARead starts the provider process with the log variables in
// env, lists the emulator's users through it as Terraform would, and
// returns the log lines the process wrote, as "module: message". The token
// must never be among them.
func logLinesOfARead(t *testing.T, srv *emulator.TestServer, env []string) map[string]bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append([]string{
		envServe + "=1",
		"PATH=" + os.Getenv("PATH"),
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6",
		"PLUGIN_UNIX_SOCKET_DIR=" + t.TempDir(),
	}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	// go-plugin's handshake: CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL.
	handshake, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no handshake from the provider process: %v; its stderr: %s", err, stderr.String())
	}
	parts := strings.Split(strings.TrimSpace(handshake), "|")
	if len(parts) < 5 || parts[1] != "6" || parts[4] != "grpc" {
		t.Fatalf("unexpected handshake %q", handshake)
	}
	conn, err := grpc.NewClient(parts[2]+"://"+parts[3], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()

	schemas := providerSchemas(t)
	call(ctx, t, conn, "GetProviderSchema", nil)
	call(ctx, t, conn, "ConfigureProvider", map[string]any{
		"terraform_version": "1.5.7",
		"config": dynamicValue(t, schemas.Provider, map[string]tftypes.Value{
			"base_url":  tftypes.NewValue(tftypes.String, srv.URL),
			"api_token": tftypes.NewValue(tftypes.String, srv.Token),
		}),
	})
	call(ctx, t, conn, "ReadDataSource", map[string]any{
		"type_name": "preo_users",
		"config":    dynamicValue(t, schemas.DataSourceSchemas["preo_users"], nil),
	})

	_ = cmd.Process.Kill()
	_, _ = io.Copy(io.Discard, stdout)
	_ = cmd.Wait()
	if strings.Contains(stderr.String(), srv.Token) {
		t.Error("the provider process logged the API token")
	}
	lines := map[string]bool{}
	for line := range strings.Lines(stderr.String()) {
		var entry struct {
			Module  string `json:"@module"`
			Message string `json:"@message"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil {
			lines[entry.Module+": "+entry.Message] = true
		}
	}
	return lines
}

// call sends one tfplugin6 request with the given fields and fails the test
// on an error diagnostic.
func call(ctx context.Context, t *testing.T, conn *grpc.ClientConn, rpc string, fields map[string]any) {
	t.Helper()
	req, resp := protoMessage(t, "tfplugin6."+rpc+".Request"), protoMessage(t, "tfplugin6."+rpc+".Response")
	for name, value := range fields {
		field := req.Descriptor().Fields().ByName(protoreflect.Name(name))
		switch value := value.(type) {
		case string:
			req.Set(field, protoreflect.ValueOfString(value))
		case []byte:
			dv := req.Mutable(field).Message()
			dv.Set(dv.Descriptor().Fields().ByName("msgpack"), protoreflect.ValueOfBytes(value))
		}
	}
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/"+rpc, req.Interface(), resp.Interface()); err != nil {
		t.Fatalf("%s: %v", rpc, err)
	}
	diagnostics := resp.Get(resp.Descriptor().Fields().ByName("diagnostics")).List()
	for i := range diagnostics.Len() {
		d := diagnostics.Get(i).Message()
		if d.Get(d.Descriptor().Fields().ByName("severity")).Enum() == 1 { // ERROR
			t.Fatalf("%s: %v", rpc, d.Interface())
		}
	}
}

func protoMessage(t *testing.T, name string) protoreflect.Message {
	t.Helper()
	messageType, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
	if err != nil {
		t.Fatal(err)
	}
	return messageType.New()
}

func providerSchemas(t *testing.T) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return schemas
}

// dynamicValue encodes an object of schema's type, with the attributes in
// set and every other one null, as Terraform sends it.
func dynamicValue(t *testing.T, schema *tfprotov6.Schema, set map[string]tftypes.Value) []byte {
	t.Helper()
	typ := schema.ValueType().(tftypes.Object)
	attributes := map[string]tftypes.Value{}
	for name, attributeType := range typ.AttributeTypes {
		attributes[name] = tftypes.NewValue(attributeType, nil)
	}
	for name, value := range set {
		attributes[name] = value
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attributes))
	if err != nil {
		t.Fatal(err)
	}
	return dv.MsgPack
}
