package client

import (
	"encoding/json"
	"fmt"
)

// userFields is a user answer field by field, as it arrived, so that a
// field the answer left out can be told from one it sent as null.
type userFields struct {
	ID          json.RawMessage `json:"id"`
	Email       json.RawMessage `json:"email"`
	PhoneNumber json.RawMessage `json:"phone_number"`
	FirstName   json.RawMessage `json:"first_name"`
	LastName    json.RawMessage `json:"last_name"`
	IsVerified  json.RawMessage `json:"is_verified"`
	IsActive    json.RawMessage `json:"is_active"`
	Locale      json.RawMessage `json:"locale"`
	MsgChannel  json.RawMessage `json:"msg_channel"`
	DateJoined  json.RawMessage `json:"date_joined"`
	LastSeen    json.RawMessage `json:"last_seen"`
	Metadata    json.RawMessage `json:"metadata"`
}

// UnmarshalJSON decodes a user and records which fields the answer carried:
// a listing must carry every field a GET does before it answers reads.
func (u *User) UnmarshalJSON(data []byte) error {
	var raw userFields
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var decoded User
	fields := []struct {
		raw  json.RawMessage
		into any
	}{
		{raw.ID, &decoded.ID},
		{raw.Email, &decoded.Email},
		{raw.PhoneNumber, &decoded.PhoneNumber},
		{raw.FirstName, &decoded.FirstName},
		{raw.LastName, &decoded.LastName},
		{raw.IsVerified, &decoded.IsVerified},
		{raw.IsActive, &decoded.IsActive},
		{raw.Locale, &decoded.Locale},
		{raw.MsgChannel, &decoded.MsgChannel},
		{raw.DateJoined, &decoded.DateJoined},
		{raw.LastSeen, &decoded.LastSeen},
		{raw.Metadata, &decoded.Metadata},
	}
	for i, field := range fields {
		if field.raw == nil {
			continue
		}
		decoded.present |= 1 << i
		if err := json.Unmarshal(field.raw, field.into); err != nil {
			return fmt.Errorf("field %q: %w", userFieldNames[i], err)
		}
	}
	*u = decoded
	return nil
}
