package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// controlPrefix holds the test-only endpoints: the Go API's controls over HTTP, for scripts.
// They need no token and are not recorded in Requests.
const controlPrefix = "/_emulator/"

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, controlPrefix)
	switch {
	case path == "users":
		switch r.Method {
		case http.MethodGet:
			writeControl(w, s.Users())
		case http.MethodPost:
			users, err := ReadUsers(r.Body)
			if err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			s.Seed(users...)
			writeControl(w, map[string]int{"seeded": len(users)})
		default:
			methodNotAllowed(w, r, "GET, POST")
		}
	case strings.HasPrefix(path, "users/"):
		s.controlUser(w, r, strings.TrimPrefix(path, "users/"))
	case path == "requests":
		switch r.Method {
		case http.MethodGet:
			writeControl(w, s.Requests())
		case http.MethodDelete:
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
		default:
			methodNotAllowed(w, r, "GET, DELETE")
		}
	case path == "reset":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r, "POST")
			return
		}
		writeControl(w, map[string]int{"users": s.Reset()})
	case path == "connections":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, "GET")
			return
		}
		writeControl(w, map[string]int{"connections": s.Connections()})
	case path == "throttled":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, "GET")
			return
		}
		writeControl(w, map[string]int{"throttled": s.RateLimited()})
	case path == "failures":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r, "POST")
			return
		}
		s.controlFail(w, r)
	default:
		controlError(w, http.StatusNotFound, "Not found.")
	}
}

func (s *Server) controlUser(w http.ResponseWriter, r *http.Request, id string) {
	switch r.Method {
	case http.MethodGet:
		u, ok := s.User(id)
		if !ok {
			controlError(w, http.StatusNotFound, "Not found.")
			return
		}
		writeControl(w, u)
	case http.MethodPatch:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		var patchErr error
		found := s.UpdateUser(id, func(u *User) { patchErr = patchUser(u, body) })
		switch {
		case !found:
			controlError(w, http.StatusNotFound, "Not found.")
		case patchErr != nil:
			controlError(w, http.StatusBadRequest, patchErr.Error())
		default:
			u, _ := s.User(id)
			writeControl(w, u)
		}
	case http.MethodDelete:
		if !s.DeleteUser(id) {
			controlError(w, http.StatusNotFound, "Not found.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r, "GET, PATCH, DELETE")
	}
}

// patchUser sets the fields present in body, any of them, read-only ones included; u is left
// as it was if body is not acceptable.
func patchUser(u *User, body []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fmt.Errorf("body must be a JSON object of user fields: %w", err)
	}
	patched := u.clone()
	if _, ok := fields["metadata"]; ok {
		// Replace rather than merge into the current object.
		patched.Metadata = nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&patched); err != nil {
		return err
	}
	patched.ID = u.ID
	*u = patched
	return nil
}

func (s *Server) controlFail(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Method     string `json:"method"`
		Path       string `json:"path"`
		Status     int    `json:"status"`
		Body       string `json:"body"`
		RetryAfter string `json:"retry_after"`
		Times      int    `json:"times"`
	}
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f.Status < 100 || f.Status > 599 {
		controlError(w, http.StatusBadRequest, "status must be an HTTP status code, got "+strconv.Itoa(f.Status))
		return
	}
	if f.Times == 0 {
		f.Times = 1
	}
	if f.Times < 0 {
		controlError(w, http.StatusBadRequest, "times must be positive")
		return
	}
	s.Fail(f.Method, f.Path, f.Status, f.Body, f.RetryAfter, f.Times)
	w.WriteHeader(http.StatusNoContent)
}

func writeControl(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
}

func controlError(w http.ResponseWriter, status int, msg string) {
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(status)
	_, _ = w.Write(append(appendDetail(nil, msg), '\n'))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	controlError(w, http.StatusMethodNotAllowed, `Method "`+r.Method+`" not allowed.`)
}
