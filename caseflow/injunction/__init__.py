"""先行发布禁令: office configuration, the link to the main case (supersede, hand-over) and expiry."""
