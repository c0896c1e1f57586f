"""`site-builder deploy`: publish a built site.

changes.py  what differs between two sets of files (added / changed / removed)
folder.py   sync into a directory: stage the new tree, then swap it in atomically
ghpages.py  commit the site as the whole content of a branch and push it (git plumbing)
"""
