terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}
