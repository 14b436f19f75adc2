# Import a user by id.
terraform import preo_user.example usr_123

# Or by email address: it must belong to exactly one user (letter case is ignored).
terraform import preo_user.example ada@example.com
