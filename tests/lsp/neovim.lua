-- Drive `fanout lsp` with neovim's built-in LSP client: open a file, wait for the
-- diagnostics, fix the line in the buffer, wait for them to clear.
-- usage: nvim --headless -u NONE -c "lua arg = {FANOUT, FILE, OUT}" -c "luafile neovim.lua"
local fanout, file, out = arg[1], arg[2], arg[3]
local lines = {}
local function log(s) table.insert(lines, s) end
local root = vim.fn.fnamemodify(file, ":p:h")
local client_id = vim.lsp.start_client({ name = "fanout", cmd = { fanout, "lsp" }, root_dir = root })
vim.cmd("edit " .. file)
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
local function codes()
  local t = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(t, string.format("%d:%d %s", d.lnum + 1, d.col + 1, d.code or "?")) end
  table.sort(t)
  return table.concat(t, ",")
end
local ok = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
log("initial " .. tostring(ok) .. " " .. codes())
local n = vim.api.nvim_buf_line_count(buf)
for i = 0, n - 1 do
  local l = vim.api.nvim_buf_get_lines(buf, i, i + 1, false)[1]
  local s, e = l:find("asyncio.gather(*[self.search_one(q) for q in queries])", 1, true)
  if s then
    vim.api.nvim_buf_set_text(buf, i, s - 1, i, e, { "self._bounded(queries)" })
  end
end
ok = vim.wait(15000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
log("edited " .. tostring(ok) .. " " .. codes())
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client_id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
vim.cmd("qa!")
