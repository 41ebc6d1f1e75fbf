"""Language: Swedish text → terms (stems, compounds, plain forms), English governance words →
Swedish, and the evidence checks that tell what a question asks for and whether a text holds it.
Pure functions over text; nothing here touches storage."""
